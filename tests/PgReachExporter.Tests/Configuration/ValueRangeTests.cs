using static PgReachExporter.Tests.Configuration.ConfigurationReading;

namespace PgReachExporter.Tests.Configuration;

/// <summary>Durations within the bounds a probe loop can keep, and values that cannot be printed or resolved refused.</summary>
public sealed class ValueRangeTests
{
    [Theory]
    [InlineData("Interval", "1e10")]
    [InlineData("Interval", "25h")]
    [InlineData("Interval", "50ms")]
    [InlineData("Interval", "Infinity")]
    [InlineData("ConnectTimeout", "1ms")]
    [InlineData("ConnectTimeout", "1e10")]
    public void Durations_outside_their_bounds_are_rejected(string field, string value)
    {
        var message = ErrorOf(Target($"\"Host\": \"h\", \"{field}\": \"{value}\""));

        Assert.Contains($"field '{field}': ", message);
    }

    [Fact]
    public void An_agent_interval_beyond_a_day_is_rejected()
    {
        Assert.Contains("field 'PgReach:Interval': ", ErrorOf("""{ "PgReach": { "Interval": "1e10", "Targets": [ { "Name": "a", "Host": "h" } ] } }"""));
    }

    [Fact]
    public void Bounds_themselves_are_accepted()
    {
        var target = Read(Target("\"Host\": \"h\", \"Interval\": \"24h\", \"ConnectTimeout\": \"10ms\"")).Targets[0];

        Assert.Equal((TimeSpan.FromHours(24), TimeSpan.FromMilliseconds(10)), (target.Interval, target.ConnectTimeout));
        Assert.Equal(TimeSpan.FromMilliseconds(100), Read(Target("\"Host\": \"h\", \"Interval\": \"100ms\", \"ConnectTimeout\": \"50ms\"")).Targets[0].Interval);
    }

    [Fact]
    public void An_enormous_libpq_environment_timeout_is_rejected()
    {
        var environment = new PgReachExporter.Configuration.LibpqEnvironment(new Dictionary<string, string?> { ["PGCONNECT_TIMEOUT"] = "2147483647" });

        Assert.Contains("PGCONNECT_TIMEOUT", ErrorOf("{}", environment));
    }

    [Theory]
    [InlineData("Host", "db\u0000one")]
    [InlineData("Host", "db\none")]
    [InlineData("Name", "a\tb")]
    [InlineData("Database", "orders\n")]
    [InlineData("Username", "app\u0007")]
    [InlineData("Uri", "postgresql://db/x\u0000")]
    public void Control_characters_are_rejected(string field, string value)
    {
        var escaped = System.Text.Json.JsonEncodedText.Encode(value).ToString();
        var json = field switch
        {
            "Host" => $$"""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "{{escaped}}" } ] } }""",
            "Uri" => $$"""{ "PgReach": { "Targets": [ { "Name": "a", "Uri": "{{escaped}}" } ] } }""",
            "Name" => $$"""{ "PgReach": { "Targets": [ { "Name": "{{escaped}}", "Host": "h" } ] } }""",
            _ => Target($"\"Host\": \"h\", \"{field}\": \"{escaped}\""),
        };

        var message = ErrorOf(json);

        Assert.Contains($"field '{field}': ", message);
        Assert.DoesNotContain('\0', message);
        Assert.DoesNotContain('\t', message);
        Assert.DoesNotContain('\u0007', message);
    }

    [Fact]
    public void A_huge_value_is_echoed_cut_short()
    {
        var huge = new string('n', 1_000_000);

        var message = ErrorOf($$"""{ "PgReach": { "Targets": [ { "Name": "{{huge}}", "Host": "h" } ] } }""");

        Assert.True(message.Length < 1_000, $"{message.Length} characters");
        Assert.Contains("field 'Name'", message);
        Assert.Contains("…", message);
    }

    [Fact]
    public void A_newline_in_an_unknown_field_name_cannot_forge_a_line()
    {
        var message = ErrorOf(Target("\"Host\": \"h\", \"Por\\nt\": 1"));

        Assert.Contains("field 'Por\\nt': unknown field", message);
    }
}

using Microsoft.Extensions.Configuration;
using Npgsql;
using PgReachExporter.Configuration;

namespace PgReachExporter.Tests.Configuration;

public sealed class AgentSettingsReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pgreach-config-").FullName;

    private static readonly LibpqEnvironment NoEnvironment = new(new Dictionary<string, string?>());

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();

    private static AgentSettings Read(string json, LibpqEnvironment? env = null) =>
        AgentSettingsReader.Read(Json(json), "targets.json", env ?? NoEnvironment);

    private static string ErrorOf(string json)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Read(json));
        return ex.Message;
    }

    [Fact]
    public void Documented_shape_with_fields_and_uri_is_read()
    {
        var secret = Path.Combine(_directory, "app");
        File.WriteAllText(secret, "pw\n");
        var settings = Read($$"""
            { "PgReach": { "Interval": "00:00:15",
                "Targets": [
                  { "Name": "orders", "Host": "db1.internal", "Port": 5432, "Database": "orders", "Username": "app",
                    "PasswordFile": "{{secret}}", "SslMode": "Prefer", "ConnectTimeout": "00:00:03" },
                  { "Name": "billing", "Uri": "postgresql://app@db2.internal:5432/billing?sslmode=require&connect_timeout=3" } ] } }
            """);

        Assert.Equal(2, settings.Targets.Length);
        var orders = settings.Targets[0];
        Assert.Equal(("orders", "db1.internal", 5432, "orders", "app"), (orders.Name, orders.Host, orders.Port, orders.Database, orders.Username));
        Assert.Equal(SslMode.Prefer, orders.SslMode);
        Assert.Equal(TimeSpan.FromSeconds(3), orders.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), orders.Interval);
        Assert.Equal("pw", orders.Password.Read());
        var billing = settings.Targets[1];
        Assert.Equal(("billing", "db2.internal", "billing", SslMode.Require), (billing.Name, billing.Host, billing.Database, billing.SslMode));
        Assert.False(settings.UsesEnvironmentTarget);
    }

    [Fact]
    public void Keys_are_case_insensitive()
    {
        var settings = Read("""{ "pgreach": { "targets": [ { "name": "a", "HOST": "h", "port": "6000" } ] } }""");

        Assert.Equal(6000, settings.Targets[0].Port);
    }

    [Fact]
    public void No_targets_means_one_target_from_the_libpq_environment()
    {
        var env = new LibpqEnvironment(new Dictionary<string, string?>
        {
            ["PGHOST"] = "pg.example", ["PGPORT"] = "6432", ["PGUSER"] = "u", ["PGDATABASE"] = "d", ["PGPASSWORD"] = "p",
        });

        var settings = Read("{}", env);

        var target = Assert.Single(settings.Targets);
        Assert.True(settings.UsesEnvironmentTarget);
        Assert.Equal(("default", "pg.example", 6432, "u", "d", "p"),
            (target.Name, target.Host, target.Port, target.Username, target.Database, target.Password.Read()));
    }

    [Fact]
    public void Empty_environment_defaults_to_localhost_5432()
    {
        var target = Assert.Single(Read("{}").Targets);

        Assert.Equal(("localhost", 5432), (target.Host, target.Port));
    }

    [Fact]
    public void Unknown_field_names_target_and_field()
    {
        var message = ErrorOf("""{ "PgReach": { "Targets": [ { "Name": "orders", "Host": "h", "Prot": 5432 } ] } }""");

        Assert.Contains("targets.json: target 'orders': field 'Prot': unknown field", message);
    }

    [Fact]
    public void Unknown_agent_field_is_an_error()
    {
        Assert.Contains("field 'PgReach:Intervall': unknown field", ErrorOf("""{ "PgReach": { "Intervall": "15s" } }"""));
    }

    [Fact]
    public void Duplicate_names_are_rejected()
    {
        var message = ErrorOf("""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "h1" }, { "Name": "a", "Host": "h2" } ] } }""");

        Assert.Contains("target 'a': field 'Name': is used by 2 targets", message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("fivefourthreetwo")]
    public void Port_out_of_range_is_rejected(string port)
    {
        var message = ErrorOf($$"""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "h", "Port": "{{port}}" } ] } }""");

        Assert.Contains("target 'a': field 'Port': must be a whole number from 1 to 65535", message);
    }

    [Fact]
    public void Missing_host_is_rejected()
    {
        Assert.Contains("target 'a': field 'Host': is required", ErrorOf("""{ "PgReach": { "Targets": [ { "Name": "a", "Port": 5432 } ] } }"""));
    }

    [Fact]
    public void Unreadable_password_file_is_rejected()
    {
        var missing = Path.Combine(_directory, "nope");
        var message = ErrorOf($$"""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "h", "PasswordFile": "{{missing}}" } ] } }""");

        Assert.Contains($"target 'a': field 'PasswordFile': '{missing}' cannot be read", message);
    }

    [Fact]
    public void Malformed_uri_is_rejected()
    {
        var message = ErrorOf("""{ "PgReach": { "Targets": [ { "Name": "a", "Uri": "postgresql://app:topsecret@db:70000/x" } ] } }""");

        Assert.Contains("target 'a': field 'Uri': is not a valid libpq URI", message);
        Assert.DoesNotContain("topsecret", message);
    }

    [Theory]
    [InlineData("Interval", "0s", "must be positive")]
    [InlineData("Interval", "-5s", "must be positive")]
    [InlineData("ConnectTimeout", "0", "must be positive")]
    [InlineData("ConnectTimeout", "never", "is not a duration")]
    public void Interval_and_timeout_must_be_positive_durations(string field, string value, string expected)
    {
        var message = ErrorOf($$"""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "h", "{{field}}": "{{value}}" } ] } }""");

        Assert.Contains($"target 'a': field '{field}': ", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void Timeout_not_shorter_than_interval_is_rejected()
    {
        var message = ErrorOf("""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "h", "Interval": "5s", "ConnectTimeout": "5s" } ] } }""");

        Assert.Contains("target 'a': field 'ConnectTimeout': 5s must be shorter than the interval 5s", message);
    }

    [Fact]
    public void Uri_and_host_together_are_ambiguous()
    {
        var message = ErrorOf("""{ "PgReach": { "Targets": [ { "Name": "a", "Uri": "postgresql://db/x", "Host": "other" } ] } }""");

        Assert.Contains("field 'Host': is also given by Uri", message);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var ex = Assert.Throws<ConfigurationException>(() => Read(
            """{ "PgReach": { "Targets": [ { "Name": "a", "Host": "h", "Port": 0 }, { "Name": "b", "Colour": "red" } ] } }"""));

        Assert.Equal(3, ex.Errors.Count);
    }

    [Fact]
    public void Agent_interval_is_the_default_for_targets_and_target_interval_overrides()
    {
        var settings = Read("""{ "PgReach": { "Interval": "30s", "ConnectTimeout": "2s", "Targets": [ { "Name": "a", "Host": "h" }, { "Name": "b", "Host": "h", "Interval": "1m" } ] } }""");

        Assert.Equal(TimeSpan.FromSeconds(30), settings.Targets[0].Interval);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.Targets[0].ConnectTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.Targets[1].Interval);
    }

    [Fact]
    public void Inline_password_never_shows_in_the_definition_text()
    {
        var target = Read("""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "h", "Password": "hunter2" } ] } }""").Targets[0];

        Assert.DoesNotContain("hunter2", target.ToString());
        Assert.DoesNotContain("hunter2", target.Password.ToString());
    }
}

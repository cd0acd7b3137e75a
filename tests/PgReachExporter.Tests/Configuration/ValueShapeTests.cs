using Microsoft.Extensions.Configuration;
using static PgReachExporter.Tests.Configuration.ConfigurationReading;

namespace PgReachExporter.Tests.Configuration;

/// <summary>A value of the wrong shape (a list or section for a single value, a single value for a section, null) is an error, never a default.</summary>
public sealed class ValueShapeTests
{
    [Theory]
    [InlineData("SslMode", """["Require"]""")]
    [InlineData("Port", "[26101]")]
    [InlineData("Password", """{ "Value": "pw" }""")]
    [InlineData("Name", """{ "First": "a" }""")]
    [InlineData("Name", """["a"]""")]
    [InlineData("Interval", """{ "Seconds": 15 }""")]
    [InlineData("Interval", "[]")]
    [InlineData("Host", "{}")]
    [InlineData("Database", "null")]
    [InlineData("Username", "null")]
    [InlineData("Port", "null")]
    [InlineData("Password", "null")]
    [InlineData("LogPath", "[\"/var/log/x.log\"]")]
    [InlineData("LocalListener", "[true]")]
    public void A_single_value_field_given_another_shape_is_an_error(string field, string value)
    {
        var json = field switch
        {
            "Host" => Target($"\"Host\": {value}"),
            "Name" => $$"""{ "PgReach": { "Targets": [ { "Host": "h", "Name": {{value}} } ] } }""",
            _ => Target($"\"Host\": \"h\", \"{field}\": {value}"),
        };

        var message = ErrorOf(json);

        Assert.Matches(field == "Name" ? "targets.json: target '#0': " : "targets.json: target 'a': ", message);
        Assert.Contains($"field '{field}': ", message);
    }

    [Theory]
    [InlineData("\"x\"")]
    [InlineData("5")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{}")]
    public void Targets_that_are_not_a_non_empty_list_are_an_error(string value)
    {
        var message = ErrorOf($$"""{ "PgReach": { "Targets": {{value}} } }""");

        Assert.Contains("field 'PgReach:Targets': ", message);
    }

    [Theory]
    [InlineData("\"x\"")]
    [InlineData("null")]
    [InlineData("7")]
    public void PgReach_that_is_not_a_section_is_an_error(string value)
    {
        Assert.Contains("field 'PgReach': ", ErrorOf($$"""{ "PgReach": {{value}} }"""));
    }

    [Theory]
    [InlineData("\"x\"")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("5")]
    [InlineData("{}")]
    public void A_target_that_is_not_a_section_is_an_error(string value)
    {
        Assert.Contains("field 'PgReach:Targets", ErrorOf($$"""{ "PgReach": { "Targets": [ {{value}} ] } }"""));
    }

    [Theory]
    [InlineData("Interval", "[\"15s\"]")]
    [InlineData("ConnectTimeout", "null")]
    [InlineData("LogFormat", "{}")]
    public void Agent_fields_of_the_wrong_shape_are_an_error(string field, string value)
    {
        Assert.Contains($"field 'PgReach:{field}': ", ErrorOf($$"""{ "PgReach": { "{{field}}": {{value}}, "Targets": [ { "Name": "a", "Host": "h" } ] } }"""));
    }

    [Theory]
    [InlineData("Expect", "\"x\"", "Expect")]
    [InlineData("Expect", "{ \"Port\": [5432] }", "Expect:Port")]
    [InlineData("Monitoring", "[]", "Monitoring")]
    [InlineData("Monitoring", "null", "Monitoring")]
    [InlineData("Monitoring", "{ \"Username\": \"m\", \"Port\": { \"a\": 1 } }", "Monitoring:Port")]
    [InlineData("ExpectedClients", "[ \"x\" ]", "ExpectedClients:0")]
    [InlineData("ExpectedClients", "[ { \"Name\": [\"c\"], \"Address\": \"10.0.0.1\", \"Database\": \"d\", \"User\": \"u\" } ]", "ExpectedClients:0:Name")]
    public void Server_view_fields_of_the_wrong_shape_are_an_error(string field, string value, string reported)
    {
        Assert.Contains($"field '{reported}': ", ErrorOf(Target($"\"Host\": \"h\", \"{field}\": {value}")));
    }

    [Fact]
    public void An_empty_string_is_an_error_rather_than_the_default()
    {
        Assert.Contains("field 'Name': ", ErrorOf("""{ "PgReach": { "Targets": [ { "Name": "", "Host": "h" } ] } }"""));
    }

    [Fact]
    public void Targets_given_as_flat_keys_as_environment_variables_and_the_command_line_give_them_still_read()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([
                KeyValuePair.Create("PgReach:Targets:0:Name", (string?)"cli"), KeyValuePair.Create("PgReach:Targets:0:Host", (string?)"h"),
                KeyValuePair.Create("PgReach:Targets:0:Port", (string?)"6000"),
            ]).Build();

        var target = Assert.Single(PgReachExporter.Configuration.AgentSettingsReader.Read(configuration, "command line", NoEnvironment).Targets);

        Assert.Equal(("cli", "h", 6000), (target.Name, target.Host, target.Port));
    }

    [Fact]
    public void A_password_of_the_wrong_shape_is_named_but_never_shown()
    {
        var message = ErrorOf(Target("\"Host\": \"h\", \"Password\": [\"hunter2\"]"));

        Assert.Contains("field 'Password'", message);
        Assert.DoesNotContain("hunter2", message);
    }
}

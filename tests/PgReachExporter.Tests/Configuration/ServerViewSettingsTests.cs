using Microsoft.Extensions.Configuration;
using Npgsql;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;

namespace PgReachExporter.Tests.Configuration;

/// <summary>The server-side parts of a target: Monitoring, ExpectedClients and Expect.</summary>
public sealed class ServerViewSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pgreach-config-").FullName;

    private static readonly LibpqEnvironment NoEnvironment = new(new Dictionary<string, string?>());

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static AgentSettings Read(string json) => AgentSettingsReader.Read(
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build(), "targets.json", NoEnvironment);

    private static TargetDefinition ReadTarget(string fields) =>
        Read($$"""{ "PgReach": { "Targets": [ { "Name": "orders", "Host": "db1", "Port": 6432, {{fields}} } ] } }""").Targets.Single();

    private static string ErrorOf(string fields)
    {
        var ex = Assert.Throws<ConfigurationException>(() => ReadTarget(fields));
        return ex.Message;
    }

    [Fact]
    public void Documented_shape_is_read()
    {
        var target = ReadTarget("""
            "Monitoring": { "Uri": "postgresql://monitor@/postgres?host=/var/run/postgresql" },
            "ExpectedClients": [ { "Name": "app-subnet", "Address": "10.0.1.0/24", "Database": "orders", "User": "app", "Type": "host" } ],
            "Expect": { "Port": 5432, "VersionMajor": 16, "SystemIdentifier": "7351234567890123456" }
            """);

        var monitoring = target.Monitoring!;
        Assert.Equal(("/var/run/postgresql", 6432, "postgres", "monitor"), (monitoring.Host, monitoring.Port, monitoring.Database, monitoring.Username));
        Assert.True(monitoring.IsUnixSocket);
        Assert.Equal(new ExpectedClientDefinition("app-subnet", "10.0.1.0/24", "orders", "app", "host"), Assert.Single(target.ExpectedClients));
        Assert.Equal(new ExpectedIdentity { Port = 5432, VersionMajor = 16, SystemIdentifier = "7351234567890123456" }, target.Expect);
    }

    [Fact]
    public void All_three_are_optional()
    {
        var target = ReadTarget("\"Database\": \"orders\"");

        Assert.Null(target.Monitoring);
        Assert.Empty(target.ExpectedClients);
        Assert.True(target.Expect.IsEmpty);
    }

    [Fact]
    public void Monitoring_fields_default_to_the_target_way_in_but_never_to_its_identity()
    {
        var secret = Path.Combine(_directory, "monitor");
        File.WriteAllText(secret, "s3cret\n");
        var target = ReadTarget($$"""
            "Username": "app", "Password": "app-password", "SslMode": "Require", "ConnectTimeout": "2s", "Interval": "10s",
            "Monitoring": { "Username": "pgreach_monitor", "PasswordFile": "{{secret}}", "StatementTimeout": "3s", "ReadServerLog": true }
            """);

        var monitoring = target.Monitoring!;
        Assert.Equal(("db1", 6432, "postgres", "pgreach_monitor"), (monitoring.Host, monitoring.Port, monitoring.Database, monitoring.Username));
        Assert.Equal("s3cret", monitoring.Password.Read());
        Assert.Equal(SslMode.Require, monitoring.SslMode);
        Assert.Equal(TimeSpan.FromSeconds(2), monitoring.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), monitoring.StatementTimeout);
        Assert.True(monitoring.ReadServerLog);
    }

    [Fact]
    public void Monitoring_uri_may_be_given_as_a_plain_string()
    {
        var target = ReadTarget("\"Monitoring\": \"postgresql://monitor@/postgres?host=/run/pg\"");

        Assert.Equal(("/run/pg", "monitor"), (target.Monitoring!.Host, target.Monitoring.Username));
    }

    [Fact]
    public void Statement_timeout_defaults_to_five_seconds_or_half_the_interval()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), ReadTarget("\"Monitoring\": { \"Username\": \"m\" }").Monitoring!.StatementTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), ReadTarget("\"Interval\": \"2s\", \"ConnectTimeout\": \"1s\", \"Monitoring\": { \"Username\": \"m\" }").Monitoring!.StatementTimeout);
    }

    [Fact]
    public void Monitoring_password_never_shows_in_the_definition_text()
    {
        var monitoring = ReadTarget("\"Monitoring\": { \"Uri\": \"postgresql://m:hunter2@db2/postgres\" }").Monitoring!;

        Assert.Equal("hunter2", monitoring.Password.Read());
        Assert.DoesNotContain("hunter2", monitoring.ToString());
        Assert.DoesNotContain("hunter2", MonitoringConnectionText(monitoring));
    }

    private static string MonitoringConnectionText(MonitoringDefinition monitoring) =>
        PgReachExporter.Probes.ServerChecks.MonitoringSession.ConnectionString(monitoring);

    [Theory]
    [InlineData("\"Monitoring\": { \"Host\": \"/run/pg\" }", "field 'Monitoring:Username': is required")]
    [InlineData("\"Monitoring\": { \"Username\": \"m\", \"Colour\": \"red\" }", "field 'Monitoring:Colour': unknown field")]
    [InlineData("\"Monitoring\": { \"Username\": \"m\", \"Port\": 0 }", "field 'Monitoring:Port': must be a whole number from 1 to 65535")]
    [InlineData("\"Monitoring\": { \"Uri\": \"mysql://m@db\" }", "field 'Monitoring:Uri': is not a valid libpq URI")]
    [InlineData("\"Monitoring\": { \"Uri\": \"postgresql://m@db\", \"Host\": \"x\" }", "field 'Monitoring:Host': is also given by Uri")]
    [InlineData("\"Monitoring\": { \"Username\": \"m\", \"Password\": \"a\", \"PasswordFile\": \"/nope\" }", "field 'Monitoring:PasswordFile': more than one of")]
    [InlineData("\"Monitoring\": { \"Username\": \"m\", \"SslMode\": \"sometimes\" }", "field 'Monitoring:SslMode': 'sometimes' is not an sslmode")]
    [InlineData("\"Monitoring\": { \"Username\": \"m\", \"StatementTimeout\": \"soon\" }", "field 'Monitoring:StatementTimeout': 'soon' is not a duration")]
    [InlineData("\"Monitoring\": { \"Username\": \"m\", \"StatementTimeout\": \"15s\" }", "field 'Monitoring:StatementTimeout': 15s must be shorter than the interval 15s")]
    [InlineData("\"Monitoring\": { \"Username\": \"m\", \"ConnectTimeout\": \"20s\" }", "field 'Monitoring:ConnectTimeout': 20s must be shorter than the interval 15s")]
    [InlineData("\"Monitoring\": { \"Username\": \"m\", \"ReadServerLog\": \"maybe\" }", "field 'Monitoring:ReadServerLog': must be true or false")]
    public void Monitoring_errors_name_the_target_and_the_field(string fields, string expected)
    {
        var message = ErrorOf(fields);

        Assert.Contains($"targets.json: target 'orders': {expected}", message);
    }

    [Fact]
    public void Unreadable_monitoring_password_file_is_rejected()
    {
        var missing = Path.Combine(_directory, "nope");

        Assert.Contains($"target 'orders': field 'Monitoring:PasswordFile': '{missing}' cannot be read",
            ErrorOf($$"""
            "Monitoring": { "Username": "m", "PasswordFile": "{{missing}}" }
            """));
    }

    [Theory]
    [InlineData("{ \"Address\": \"10.0.1.5\", \"Database\": \"d\", \"User\": \"u\" }", "field 'ExpectedClients:0:Name': is required")]
    [InlineData("{ \"Name\": \"c\", \"Database\": \"d\", \"User\": \"u\" }", "field 'ExpectedClients:0:Address': is required for a host client")]
    [InlineData("{ \"Name\": \"c\", \"Address\": \"10.0.1\", \"Database\": \"d\", \"User\": \"u\" }", "field 'ExpectedClients:0:Address': '10.0.1' is neither an IP address nor a CIDR")]
    [InlineData("{ \"Name\": \"c\", \"Address\": \"10.0.1.0/33\", \"Database\": \"d\", \"User\": \"u\" }", "field 'ExpectedClients:0:Address': '10.0.1.0/33' is neither")]
    [InlineData("{ \"Name\": \"c\", \"Address\": \"app.internal\", \"Database\": \"d\", \"User\": \"u\" }", "field 'ExpectedClients:0:Address': 'app.internal' is neither")]
    [InlineData("{ \"Name\": \"c\", \"Address\": \"10.0.1.5\", \"User\": \"u\" }", "field 'ExpectedClients:0:Database': is required")]
    [InlineData("{ \"Name\": \"c\", \"Address\": \"10.0.1.5\", \"Database\": \"d\" }", "field 'ExpectedClients:0:User': is required")]
    [InlineData("{ \"Name\": \"c\", \"Address\": \"10.0.1.5\", \"Database\": \"d\", \"User\": \"u\", \"Type\": \"hostx\" }", "field 'ExpectedClients:0:Type': 'hostx' is not a connection type")]
    [InlineData("{ \"Name\": \"c\", \"Address\": \"10.0.1.5\", \"Database\": \"d\", \"User\": \"u\", \"Type\": \"local\" }", "field 'ExpectedClients:0:Address': must not be set for a local")]
    [InlineData("{ \"Name\": \"c\", \"Address\": \"10.0.1.5\", \"Database\": \"d\", \"User\": \"u\", \"Port\": 1 }", "field 'ExpectedClients:0:Port': unknown field")]
    public void Expected_client_errors_name_the_target_and_the_field(string client, string expected)
    {
        var message = ErrorOf($"\"ExpectedClients\": [ {client} ]");

        Assert.Contains($"targets.json: target 'orders': {expected}", message);
    }

    [Fact]
    public void Expected_client_names_are_unique_within_a_target()
    {
        var message = ErrorOf("""
            "ExpectedClients": [ { "Name": "app", "Address": "10.0.1.5", "Database": "d", "User": "u" },
                                 { "Name": "app", "Address": "::1", "Database": "d", "User": "u" } ]
            """);

        Assert.Contains("target 'orders': field 'ExpectedClients': client name 'app' is used 2 times", message);
    }

    [Theory]
    [InlineData("10.0.1.5", "host")]
    [InlineData("10.0.1.0/24", "hostssl")]
    [InlineData("::1", "hostnossl")]
    [InlineData("fd00:1::/64", "hostgssenc")]
    [InlineData("10.0.1.7/24", "hostnogssenc")]
    public void Expected_client_addresses_may_be_ip_or_cidr_of_either_family(string address, string type)
    {
        var client = Assert.Single(ReadTarget($$"""
            "ExpectedClients": [ { "Name": "c", "Address": "{{address}}", "Database": "d", "User": "u", "Type": "{{type}}" } ]
            """).ExpectedClients);

        Assert.Equal((address, type), (client.Address, client.Type));
    }

    [Fact]
    public void A_local_client_has_no_address()
    {
        var client = Assert.Single(ReadTarget("""
            "ExpectedClients": [ { "Name": "cron", "Database": "d", "User": "u", "Type": "Local" } ]
            """).ExpectedClients);

        Assert.Equal((null, "local"), (client.Address, client.Type));
    }

    [Theory]
    [InlineData("\"Port\": 70000", "field 'Expect:Port': must be a whole number from 1 to 65535")]
    [InlineData("\"VersionMajor\": \"sixteen\"", "field 'Expect:VersionMajor': must be a major version such as 16")]
    [InlineData("\"VersionMajor\": 160004", "field 'Expect:VersionMajor': must be a major version such as 16")]
    [InlineData("\"SystemIdentifier\": \"-7351\"", "field 'Expect:SystemIdentifier': must be the decimal digits")]
    [InlineData("\"SystemIdentifier\": \"0x1234\"", "field 'Expect:SystemIdentifier': must be the decimal digits")]
    [InlineData("\"SystemIdentifier\": \"99999999999999999999\"", "field 'Expect:SystemIdentifier': must be the decimal digits")]
    [InlineData("\"Version\": 16", "field 'Expect:Version': unknown field")]
    public void Expect_errors_name_the_target_and_the_field(string fields, string expected)
    {
        var message = ErrorOf($"\"Expect\": {{ {fields} }}");

        Assert.Contains($"targets.json: target 'orders': {expected}", message);
    }

    [Fact]
    public void Rereading_the_same_configuration_gives_equal_targets()
    {
        const string fields = """
            "Monitoring": { "Username": "m", "Password": "pw" },
            "ExpectedClients": [ { "Name": "c", "Address": "10.0.1.5", "Database": "d", "User": "u" } ],
            "Expect": { "VersionMajor": 16 }
            """;

        // A reload that changes nothing must not restart the target's loops.
        Assert.Equal(ReadTarget(fields), ReadTarget(fields));
        Assert.NotEqual(ReadTarget(fields), ReadTarget(fields.Replace("10.0.1.5", "10.0.1.6", StringComparison.Ordinal)));
    }
}

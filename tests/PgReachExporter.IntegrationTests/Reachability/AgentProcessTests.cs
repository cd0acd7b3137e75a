using System.Net;
using PgReachExporter.Configuration;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;

namespace PgReachExporter.IntegrationTests.Reachability;

/// <summary>The agent as operators run it: exit codes, messages and what it prints.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class AgentProcessTests(ClusterFixture fixture) : IDisposable
{
    private const string Password = "Very-Secret-Pw-7731";
    private readonly string _directory = Directory.CreateTempSubdirectory("pgreach-process-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteConfig(string json)
    {
        var path = Path.Combine(_directory, "targets.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Theory]
    [InlineData("""{ "PgReach": { "Targets": [ { "Name": "orders", "Host": "db", "Port": 99999 } ] } }""", "target 'orders': field 'Port'")]
    [InlineData("""{ "PgReach": { "Targets": [ { "Name": "orders", "Host": "db", "Colour": "red" } ] } }""", "target 'orders': field 'Colour': unknown field")]
    [InlineData("""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "db" }, { "Name": "a", "Host": "db2" } ] } }""", "target 'a': field 'Name'")]
    [InlineData("""{ "PgReach": { "Targets": [ { "Name": "orders", "Uri": "postgresql://x:Very-Secret-Pw-7731@db:0/x" } ] } }""", "target 'orders': field 'Uri'")]
    [InlineData("""{ "PgReach": { "Targets": [ { "Name": "orders", "Host": "db", "Interval": "2s", "ConnectTimeout": "3s" } ] } }""", "target 'orders': field 'ConnectTimeout'")]
    [InlineData("""{ "PgReach": { "Targets": [ ] """, "cannot be read as JSON")]
    [InlineData("""{ "Serilog": { "MinimumLevel": { "Default": "Chatty" } } }""", "field 'Serilog:MinimumLevel:Default': 'Chatty' is not a log level")]
    [InlineData("""{ "Serilog": { "WriteTo": [ { "Name": "File" } ] } }""", "field 'Serilog:WriteTo': not read by the agent")]
    public async Task Bad_configuration_stops_start_up_with_exit_code_2_and_one_clear_message(string json, string expected)
    {
        var file = WriteConfig(json);
        await using var agent = AgentProcess.Start(["--config", file, "--urls", "http://127.0.0.1:0"]);

        var exitCode = await agent.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, agent.Output);
        Assert.Contains(file, agent.Output);
        Assert.DoesNotContain("   at ", agent.Output);
        Assert.DoesNotContain(Password, agent.Output);
    }

    [Fact]
    public async Task Missing_config_file_is_a_configuration_error()
    {
        await using var agent = AgentProcess.Start(["--config", Path.Combine(_directory, "absent.json"), "--urls", "http://127.0.0.1:0"]);

        Assert.Equal(2, await agent.WaitForExitAsync());
        Assert.Contains("absent.json: field '--config': file does not exist", agent.Output);
    }

    [Fact]
    public async Task Bare_run_probes_the_libpq_environment_target_and_never_prints_the_password()
    {
        var cluster = await fixture.NewClusterAsync();
        await cluster.CreateRoleAsync("app", Password);
        await cluster.CreateDatabaseAsync("orders", "app");
        await using var agent = AgentProcess.Start(["--urls", "http://127.0.0.1:0", "--PgReach:Interval", "1s", "--PgReach:ConnectTimeout", "500ms"],
            new Dictionary<string, string?>
            {
                ["PGHOST"] = "127.0.0.1", ["PGPORT"] = cluster.Port.ToString(), ["PGUSER"] = "app",
                ["PGDATABASE"] = "orders", ["PGPASSWORD"] = Password,
            });
        var url = await agent.WaitUntilListeningAsync();
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };

        var scrape = await WaitForAsync(http, s => s.Value("pgreach_up", "target=default") == 1);

        Assert.Equal("ok", scrape.Current("pgreach_login_result", "target=default"));
        Assert.Contains("probing default (app@127.0.0.1:", agent.Output);
        Assert.DoesNotContain(Password, agent.Output);
        Assert.DoesNotContain(Password, scrape.Text);
    }

    [Fact]
    public async Task Failed_logins_are_logged_once_per_change_without_the_password_in_json_logs_too()
    {
        var cluster = await fixture.NewClusterAsync();
        await cluster.CreateRoleAsync("app", "the-real-one");
        var file = WriteConfig($$"""
            { "PgReach": { "LogFormat": "json", "Interval": "1s", "ConnectTimeout": "500ms", "Targets": [
              { "Name": "wrong", "Host": "127.0.0.1", "Port": {{cluster.Port}}, "Username": "app", "Password": "{{Password}}", "Database": "postgres" } ] } }
            """);
        await using var agent = AgentProcess.Start(["--config", file, "--urls", "http://127.0.0.1:0"]);
        var url = await agent.WaitUntilListeningAsync();
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };

        await WaitForAsync(http, s => s.Value("pgreach_login_probes_total", "target=wrong", "result=password_failed") >= 3);

        var changes = agent.Output.Split('\n').Count(l => l.Contains("is not reachable", StringComparison.Ordinal));
        Assert.Equal(1, changes);
        Assert.Contains("password_failed", agent.Output);
        Assert.StartsWith("{", agent.Output.Split('\n').First(l => l.Contains("is not reachable", StringComparison.Ordinal)));
        Assert.DoesNotContain(Password, agent.Output);
    }

    private static Task<Scrape> WaitForAsync(HttpClient http, Func<Scrape, bool> condition) => MetricsPoller.WaitForAsync(http, condition);
}

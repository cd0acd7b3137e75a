using System.Text.Json;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Diagnosis;
using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.Lab;
using static PgReachExporter.IntegrationTests.Agent.RunningAgent;

namespace PgReachExporter.IntegrationTests.Native;

/// <summary>The native (AOT) executable the container image ships does what the managed build does.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class NativeAgentTests(ClusterFixture clusters, NativeBuild native) : IClassFixture<NativeBuild>, IDisposable
{
    private const string Password = "native-Secret-42";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly List<string> _configDirectories = [];

    [Fact]
    public async Task Native_agent_probes_a_real_server_serves_metrics_page_and_api_and_stops_on_sigterm()
    {
        var cluster = await clusters.NewClusterAsync();
        await cluster.CreateRoleAsync("app", Password);
        var config = await WriteConfigAsync(Config(
            Target("healthy", "127.0.0.1", cluster.Port, password: Password),
            Target("refused", "127.0.0.2", cluster.Port, password: Password)));
        await using var agent = AgentProcess.Start(["--config", config, "--urls", "http://127.0.0.1:0"], executable: native.Executable);
        using var http = new HttpClient { BaseAddress = await agent.WaitUntilListeningAsync(Bound), Timeout = Bound };

        var scrape = await MetricsPoller.WaitForAsync(http,
            s => s.Value("pgreach_up", "target=healthy") == 1 && s.Current("pgreach_login_result", "target=refused") is not null, Bound, "both targets probed");
        Assert.Equal("ok", scrape.Current("pgreach_login_result", "target=healthy"));
        Assert.Equal("refused", scrape.Current("pgreach_tcp_connect_result", "target=refused"));
        Assert.Equal(0, scrape.Value("pgreach_up", "target=refused"));
        Assert.Equal(1, scrape.Value("pgreach_diagnosis", "target=refused", "cause=listen_localhost_only")
            ?? scrape.Value("pgreach_diagnosis", "target=refused", "cause=listener_down"));
        Assert.Equal(2, scrape.Value("pgreach_targets"));

        var page = await http.GetStringAsync("/");
        Assert.Contains("healthy", page, StringComparison.Ordinal);
        using var api = JsonDocument.Parse(await http.GetStringAsync("/api/targets"));
        var healthy = api.RootElement.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "healthy");
        Assert.True(healthy.GetProperty("reachable").GetBoolean());
        Assert.DoesNotContain(Password, page + api.RootElement.GetRawText() + await http.GetStringAsync("/metrics"), StringComparison.Ordinal);

        agent.Signal(Posix.SigTerm);
        Assert.Equal(0, await agent.WaitForExitAsync(Bound));
        Assert.DoesNotContain(Password, agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Native_agent_refuses_bad_configuration_with_exit_code_2_naming_the_field()
    {
        var config = await WriteConfigAsync(new { PgReach = new { Targets = new[] { new { Name = "orders", Host = "127.0.0.1", Port = 70000 } } } });
        await using var agent = AgentProcess.Start(["--config", config, "--Serilog:MinimumLevel", "Chatty"], executable: native.Executable);

        Assert.Equal(2, await agent.WaitForExitAsync(Bound));
        Assert.Contains($"{config}: target 'orders': field 'Port'", agent.Output, StringComparison.Ordinal);
        Assert.Contains("field 'Serilog:MinimumLevel': 'Chatty' is not a log level", agent.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Native_diagnose_exits_0_for_a_reachable_server_and_1_for_a_refused_one()
    {
        var cluster = await clusters.NewClusterAsync();
        await cluster.CreateRoleAsync("app", Password);
        var environment = new Dictionary<string, string> { ["PGPASSWORD"] = Password };

        var reachable = await DiagnoseProcess.RunAsync([$"postgresql://app@127.0.0.1:{cluster.Port}/postgres"], environment, executable: native.Executable);
        var refused = await DiagnoseProcess.RunAsync([$"postgresql://app@127.0.0.2:{cluster.Port}/postgres"], environment, executable: native.Executable);

        Assert.True(reachable.ExitCode == 0, reachable.ToString());
        Assert.Contains("verdict: Reachable", reachable.Stdout, StringComparison.Ordinal);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Matches(@"tcp\s+127\.0\.0\.2:\d+\s+refused", refused.Stdout);
        Assert.DoesNotContain(Password, reachable.Stdout + reachable.Stderr + refused.Stdout + refused.Stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var directory in _configDirectories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task<string> WriteConfigAsync(object configuration)
    {
        var directory = Directory.CreateTempSubdirectory("pgreach-native-config-").FullName;
        _configDirectories.Add(directory);
        var file = Path.Combine(directory, "pgreach.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(configuration));
        return file;
    }
}

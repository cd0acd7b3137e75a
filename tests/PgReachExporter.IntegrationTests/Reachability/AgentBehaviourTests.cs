using System.Net;
using System.Text.Json;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;
using static PgReachExporter.IntegrationTests.Agent.RunningAgent;

namespace PgReachExporter.IntegrationTests.Reachability;

/// <summary>Scheduling, reload and freshness behaviour of the running agent.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class AgentBehaviourTests(ClusterFixture fixture)
{
    private const string Password = "app-Secret-42";

    [Fact]
    public async Task Black_holed_target_never_delays_a_healthy_one()
    {
        var cluster = await fixture.NewClusterAsync();
        await cluster.CreateRoleAsync("app", Password);
        await using var hole = await BlackHoleListener.StartAsync(IPAddress.Loopback);
        var directory = Directory.CreateTempSubdirectory("pgreach-holes-");
        try
        {
            var config = Path.Combine(directory.FullName, "targets.json");
            await File.WriteAllTextAsync(config, JsonSerializer.Serialize(Config(
                Target("healthy", "127.0.0.1", cluster.Port, password: Password, interval: "1s", timeout: "500ms"),
                Target("hole-1", "127.0.0.1", hole.Port, interval: "1s", timeout: "400ms"),
                Target("hole-2", "127.0.0.1", hole.Port, interval: "1s", timeout: "400ms"))));

            // Its own process: overruns measure the agent's scheduling, not a thread pool shared with the rest of the suite.
            await using var agent = AgentProcess.Start(["--config", config, "--urls", "http://127.0.0.1:0"]);
            using var http = new HttpClient { BaseAddress = await agent.WaitUntilListeningAsync(), Timeout = TimeSpan.FromSeconds(10) };
            var first = await MetricsPoller.WaitForAsync(http, s => s.Current("pgreach_login_result", "target=healthy") is not null
                && s.Current("pgreach_login_result", "target=hole-1") is not null, TimeSpan.FromSeconds(20), "first cycles");
            var firstProbe = first.Value("pgreach_last_probe_timestamp_seconds", "target=healthy")!.Value;

            // Four more healthy cycles must complete on schedule while both black holes time out in parallel.
            var later = await MetricsPoller.WaitForAsync(http,
                s => s.Value("pgreach_last_probe_timestamp_seconds", "target=healthy") >= firstProbe + 4,
                TimeSpan.FromSeconds(8), "four more healthy cycles");

            Assert.Equal("ok", later.Current("pgreach_login_result", "target=healthy"));
            Assert.Equal("timeout", later.Current("pgreach_login_result", "target=hole-1"));
            Assert.True(later.Value("pgreach_last_probe_timestamp_seconds", "target=hole-1") >= first.Value("pgreach_last_probe_timestamp_seconds", "target=hole-1") + 2,
                "the black holes keep their own schedule too");
            // Counted from the first cycles on: the very first ones also pay for JIT compilation.
            Assert.Equal(first.Value("pgreach_probe_overruns_total", "target=healthy"), later.Value("pgreach_probe_overruns_total", "target=healthy"));
            Assert.Equal(first.Value("pgreach_probe_overruns_total", "target=hole-1"), later.Value("pgreach_probe_overruns_total", "target=hole-1"));
            Assert.Equal(3, later.Value("pgreach_targets"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Stopped_server_is_seen_on_the_next_cycle_never_through_a_cached_connection()
    {
        var cluster = await fixture.NewClusterAsync();
        await cluster.CreateRoleAsync("app", Password);
        await using var agent = await StartAsync(Config(Target("db", "127.0.0.1", cluster.Port, password: Password, interval: "1s", timeout: "500ms")));
        await agent.WaitForAsync(s => s.Value("pgreach_up", "target=db") == 1);

        await cluster.StopAsync();

        var scrape = await agent.WaitForAsync(s => s.Value("pgreach_up", "target=db") == 0, TimeSpan.FromSeconds(5));
        Assert.Equal("refused", scrape.Current("pgreach_login_result", "target=db"));
        Assert.Equal("refused", scrape.Current("pgreach_tcp_connect_result", "target=db"));
    }

    [Fact]
    public async Task A_stopped_server_costs_no_login_while_its_port_refuses_and_is_logged_in_to_again_once_it_is_back()
    {
        var cluster = await fixture.NewClusterAsync();
        await cluster.CreateRoleAsync("app", Password);
        await using var agent = await StartAsync(Config(Target("db", "127.0.0.1", cluster.Port, password: Password, interval: "1s", timeout: "500ms")));
        await agent.WaitForAsync(s => s.Value("pgreach_up", "target=db") == 1);

        await cluster.StopAsync();

        // A refusal on loopback answers within the login's grace, so the login is not made, from the first refused cycle on.
        var skipping = await agent.WaitForAsync(s => s.Value("pgreach_login_attempts_skipped_total", "reason=refused") >= 1, TimeSpan.FromSeconds(10), "a skipped login");
        var attempts = skipping.Value("pgreach_login_probes_total", "target=db", "result=refused") ?? 0;
        Assert.True(attempts <= 1, $"at most a login made as the server went down, got {attempts}");
        var later = await agent.WaitForAsync(s => s.Value("pgreach_login_attempts_skipped_total", "reason=refused") >= 3, TimeSpan.FromSeconds(10), "two more skipped logins");
        Assert.Equal("refused", later.Current("pgreach_login_result", "target=db"));
        Assert.Equal(attempts, later.Value("pgreach_login_probes_total", "target=db", "result=refused") ?? 0);

        await cluster.StartServerAsync();

        var back = await agent.WaitForAsync(s => s.Value("pgreach_up", "target=db") == 1, TimeSpan.FromSeconds(10), "a login after the restart");
        Assert.Equal("ok", back.Current("pgreach_login_result", "target=db"));
    }

    [Fact]
    public async Task Good_reload_adds_and_removes_targets_and_their_series()
    {
        var gone = FreePort.Allocate(IPAddress.Loopback);
        var added = FreePort.Allocate(IPAddress.Loopback);
        await using var agent = await StartAsync(Config(
            Target("stays", "127.0.0.1", gone, interval: "1s", timeout: "500ms"),
            Target("goes", "127.0.0.2", gone, interval: "1s", timeout: "500ms")));
        await agent.WaitForAsync(s => s.Current("pgreach_login_result", "target=goes") is not null);

        await File.WriteAllTextAsync(agent.ConfigFile, JsonSerializer.Serialize(Config(
            Target("stays", "127.0.0.1", gone, interval: "1s", timeout: "500ms"),
            Target("new", "127.0.0.1", added, interval: "1s", timeout: "500ms"))));

        var scrape = await agent.WaitForAsync(s => s.Current("pgreach_login_result", "target=new") is not null
            && !s.Find("pgreach_login_result", "target=goes").Any(), TimeSpan.FromSeconds(15));
        Assert.DoesNotContain("target=\"goes\"", scrape.Text);
        Assert.Equal(2, scrape.Value("pgreach_targets"));
        Assert.Equal(1, scrape.Value("pgreach_config_last_reload_successful"));
    }

    [Fact]
    public async Task Bad_reload_keeps_the_last_good_targets_and_says_so()
    {
        var port = FreePort.Allocate(IPAddress.Loopback);
        await using var agent = await StartAsync(Config(Target("kept", "127.0.0.1", port, interval: "1s", timeout: "500ms")));
        var before = await agent.WaitForLoginAsync("kept");
        var probedAt = before.Value("pgreach_last_probe_timestamp_seconds", "target=kept")!.Value;

        await File.WriteAllTextAsync(agent.ConfigFile, """{ "PgReach": { "Targets": [ { "Name": "kept", "Host": "127.0.0.1", "Port": 70000 } ] } }""");

        var scrape = await agent.WaitForAsync(s => s.Value("pgreach_config_last_reload_successful") == 0, TimeSpan.FromSeconds(15));
        Assert.Equal(1, scrape.Value("pgreach_targets"));
        await agent.WaitForAsync(s => s.Value("pgreach_last_probe_timestamp_seconds", "target=kept") > probedAt + 1,
            TimeSpan.FromSeconds(10), "the kept target is still probed");

        // A good edit first, so that the next failure is a change the test can see (the metric is 0 until then).
        await File.WriteAllTextAsync(agent.ConfigFile, JsonSerializer.Serialize(Config(Target("kept", "127.0.0.1", port, interval: "1s", timeout: "500ms"))));
        await agent.WaitForAsync(s => s.Value("pgreach_config_last_reload_successful") == 1, TimeSpan.FromSeconds(15), "the good edit is loaded");

        await File.WriteAllTextAsync(agent.ConfigFile, "{ not json");
        await agent.WaitForAsync(s => s.Value("pgreach_config_last_reload_successful") == 0 && s.Value("pgreach_targets") == 1,
            TimeSpan.FromSeconds(15), "the broken file is rejected and the target kept");
    }
}

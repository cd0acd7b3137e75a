using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.HostSignals;
using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.IntegrationTests.Server;
using static PgReachExporter.IntegrationTests.HostSignals.HostSignalTargets;

namespace PgReachExporter.IntegrationTests.Evidence;

/// <summary>
/// Verdicts from evidence that existed before the agent looked: start-up lines of the current postmaster written before
/// the agent started, and listen addresses the server is configured for but did not bind.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class EvidenceAtRestTests(ClusterFixture fixture)
{
    [Fact]
    public async Task An_agent_started_after_a_failed_bind_reports_bind_failure_with_the_log_line()
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { HbaLines = RejectingHba });
        // 192.0.2.1 is no address of this machine: binding it sends nothing, and the postmaster gives up at start.
        await cluster.ExecuteAsync("ALTER SYSTEM SET listen_addresses = '192.0.2.1'");
        await cluster.RestartAsync(waitForReady: false);
        Assert.False(cluster.IsRunning);

        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(LogTarget("db", cluster, cluster.LogFilePath, host: "127.0.0.1")));

        var verdict = await TargetsApi.WaitForCauseAsync(agent, "db", "bind_failure");
        Assert.Equal("critical", verdict.GetProperty("state").GetString());
        Assert.DoesNotContain("listener_down", TargetsApi.Causes(verdict));
        Assert.Contains(TargetsApi.Evidence(verdict, "bind_failure"),
            e => e!.Contains("could not bind ipv4 address 192.0.2.1: address not available", StringComparison.Ordinal));
        // The counters count what happened since the agent started: the history is evidence, not new events.
        var scrape = await agent.ScrapeAsync();
        Assert.Equal(0, Count(scrape, "db", "could_not_bind"));
    }

    [Fact]
    public async Task An_agent_started_after_a_port_clash_on_one_address_reports_bind_failure_while_the_probe_works()
    {
        await using var holder = await fixture.NewClusterAsync(new ClusterOptions { ListenAddresses = "127.0.0.2" });
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions
        {
            ListenAddresses = "127.0.0.1,127.0.0.2", Port = holder.Port, HbaLines = RejectingHba,
        });
        await cluster.CreateRoleAsync("app", AppPassword);
        Assert.Contains("could not bind IPv4 address \"127.0.0.2\": Address already in use", cluster.ReadLog(), StringComparison.Ordinal);

        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(LogTarget("db", cluster, cluster.LogFilePath, host: "127.0.0.1")));

        var verdict = await TargetsApi.WaitForCauseAsync(agent, "db", "bind_failure");
        Assert.True(verdict.GetProperty("reachable").GetBoolean());
        Assert.Equal("warning", verdict.GetProperty("state").GetString());
        Assert.Contains(TargetsApi.Evidence(verdict, "bind_failure"),
            e => e!.Contains("could not bind ipv4 address 127.0.0.2: address already in use", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_ipv6_listen_address_the_server_could_not_bind_is_ipv6_not_listening_while_ipv4_clients_are_fine()
    {
        // 2001:db8::/32 is for documentation: never an address of this machine, and binding it sends nothing.
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { ListenAddresses = "127.0.0.1,2001:db8::99" });
        await ServerTargets.CreateProbeRoleAsync(cluster);
        Assert.Contains("could not bind IPv6 address \"2001:db8::99\"", cluster.ReadLog(), StringComparison.Ordinal);
        // No log for the agent: the server's setting and the socket table alone must tell.
        var target = ServerTargets.Target("db", cluster, ServerTargets.Superuser(cluster));

        await using var agent = await RunningAgent.StartAsync(ServerTargets.Config(target));

        var verdict = await TargetsApi.WaitForCauseAsync(agent, "db", "ipv6_not_listening");
        Assert.True(verdict.GetProperty("reachable").GetBoolean());
        Assert.Equal("warning", verdict.GetProperty("state").GetString());
        var evidence = TargetsApi.Evidence(verdict, "ipv6_not_listening");
        Assert.Contains(evidence, e => e!.Contains("listen_addresses = '127.0.0.1,2001:db8::99'", StringComparison.Ordinal));
        Assert.Contains(evidence, e => e!.Contains($"[2001:db8::99]:{cluster.Port} is not bound", StringComparison.Ordinal));
        Assert.Contains(evidence, e => e!.Contains($"127.0.0.1:{cluster.Port}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_ipv4_listen_address_the_server_could_not_bind_is_a_bind_failure_warning()
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { ListenAddresses = "127.0.0.1,192.0.2.1" });
        await ServerTargets.CreateProbeRoleAsync(cluster);
        var target = ServerTargets.Target("db", cluster, ServerTargets.Superuser(cluster));

        await using var agent = await RunningAgent.StartAsync(ServerTargets.Config(target));

        var verdict = await TargetsApi.WaitForCauseAsync(agent, "db", "bind_failure");
        Assert.Equal("warning", verdict.GetProperty("state").GetString());
        Assert.Contains(TargetsApi.Evidence(verdict, "bind_failure"),
            e => e!.Contains($"192.0.2.1:{cluster.Port} is not bound", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_info_over_a_unix_socket_names_the_configured_port_and_listen_addresses()
    {
        await using var cluster = await fixture.NewClusterAsync();
        await ServerTargets.CreateProbeRoleAsync(cluster);
        var target = ServerTargets.Target("db", cluster, ServerTargets.Superuser(cluster));

        await using var agent = await RunningAgent.StartAsync(ServerTargets.Config(target));

        var scrape = await agent.WaitForAsync(s => s.Find("pgreach_server_info", "target=db").Any());
        var info = Assert.Single(scrape.Find("pgreach_server_info", "target=db"));
        Assert.Equal(cluster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), info["server_port"]);
        Assert.Equal("127.0.0.1", info["listen_addresses"]);
        Assert.Equal(cluster.Port, scrape.Value("pgreach_server_port", "target=db"));
    }
}

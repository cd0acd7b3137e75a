using System.Globalization;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;
using static PgReachExporter.IntegrationTests.HostSignals.HostSignalTargets;

namespace PgReachExporter.IntegrationTests.HostSignals;

/// <summary>The listening-socket table of live clusters, checked against what `ss -tlnp` prints for the same port.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class ListenerTableTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1/ipv4")]
    [InlineData("*", "0.0.0.0/ipv4,::/ipv6")]
    [InlineData("::1", "::1/ipv6")]
    public async Task Socket_table_of_a_local_target_matches_ss(string listenAddresses, string expected)
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { ListenAddresses = listenAddresses });
        await cluster.CreateRoleAsync("app", AppPassword);
        var bound = expected.Split(',').ToHashSet();
        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(
            RunningAgent.Target("db", cluster.Host, cluster.Port, password: AppPassword, interval: "1s", timeout: "500ms")));

        var scrape = await agent.WaitForAsync(s => s.Value("pgreach_listener_present", "target=db") == 1
            && Bound(s, "db").SetEquals(bound), TimeSpan.FromSeconds(20), $"listeners {expected}");
        var ss = await SocketStatistics.ListenersAsync(cluster.Port);

        Assert.Equal(ss.Order(), Info(scrape, "db").Order());
        Assert.All(ss, l => Assert.Equal("postgres", l.Process));
        Assert.Equal("ok", scrape.Current("pgreach_login_result", "target=db"));
    }

    [Fact]
    public async Task Stopped_server_leaves_the_port_empty_and_its_addresses_unlisted()
    {
        await using var cluster = await fixture.NewClusterAsync();
        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(
            RunningAgent.Target("db", "127.0.0.1", cluster.Port, interval: "1s", timeout: "500ms")));
        await agent.WaitForAsync(s => s.Value("pgreach_listener_present", "target=db") == 1);

        await cluster.StopAsync();

        var scrape = await agent.WaitForAsync(s => s.Value("pgreach_listener_present", "target=db") == 0);
        Assert.Empty(scrape.Find("pgreach_listener_bound", "target=db"));
        Assert.Empty(scrape.Find("pgreach_listener_info", "target=db"));
        Assert.Empty(await SocketStatistics.ListenersAsync(cluster.Port));
    }

    [Fact]
    public async Task Socket_table_switched_off_gives_no_listener_series()
    {
        var server = await fixture.DefaultServerAsync();
        var target = RunningAgent.Target("db", "127.0.0.1", server.Port, interval: "1s", timeout: "500ms");
        target["LocalListener"] = false;
        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(target));

        var scrape = await agent.WaitForAsync(s => s.Value("pgreach_last_probe_timestamp_seconds", "target=db") is not null);
        await agent.WaitForAsync(s => s.Value("pgreach_last_probe_timestamp_seconds", "target=db") > scrape.Value("pgreach_last_probe_timestamp_seconds", "target=db"));

        var later = await agent.ScrapeAsync();
        Assert.Null(later.Value("pgreach_listener_present", "target=db"));
        Assert.Empty(later.Find("pgreach_listener_bound", "target=db"));
    }

    [Fact]
    public async Task Localhost_only_server_reached_at_another_address_is_listen_localhost_only_from_the_socket_table()
    {
        var server = await fixture.DefaultServerAsync();
        var target = RunningAgent.Target("other-loopback", "127.0.0.2", server.Port, interval: "1s", timeout: "500ms");
        target["LocalListener"] = true;
        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(target));

        var verdict = await TargetsApi.WaitForCauseAsync(agent, "other-loopback", "listen_localhost_only");

        Assert.Equal(["listen_localhost_only"], TargetsApi.Causes(verdict));
        Assert.Equal(["probe", "host"], TargetsApi.Sources(verdict));
        var port = server.Port.ToString(CultureInfo.InvariantCulture);
        Assert.Contains($"socket table: 127.0.0.1:{port} (postgres)", TargetsApi.Evidence(verdict, "listen_localhost_only"));
        var scrape = await agent.ScrapeAsync();
        Assert.Equal(1, scrape.Value("pgreach_diagnosis", "target=other-loopback", "layer=transport", "cause=listen_localhost_only"));
        Assert.Equal(1, scrape.Value("pgreach_listener_bound", "target=other-loopback", "address=127.0.0.1", "family=ipv4"));
    }

    [Fact]
    public async Task Socket_table_of_another_network_namespace_is_read_through_a_process_in_it()
    {
        // A server in a network namespace of its own, like a database in a pod seen from an agent on the node.
        await using var cluster = await fixture.NewClusterAsync();
        await cluster.StopAsync();
        var start = $"ip link set lo up && exec runuser -u {OsCommand.ServerUser} -- '{cluster.Binaries.PgCtl}' start -D '{cluster.DataDirectory}' " +
                    $"-l '{cluster.PostmasterLogPath}' -w -t 30";
        var started = await OsCommand.RunAsync("unshare", ["--net", "sh", "-c", start], TimeSpan.FromSeconds(45));
        Assert.True(started.Succeeded, started.Describe());
        var pid = cluster.ProcessId!.Value;
        var inNamespace = RunningAgent.Target("pod", "127.0.0.1", cluster.Port, interval: "1s", timeout: "500ms");
        inNamespace["ListenerPid"] = pid;
        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(
            inNamespace, RunningAgent.Target("node", "127.0.0.1", cluster.Port, interval: "1s", timeout: "500ms")));

        var scrape = await agent.WaitForAsync(s => s.Value("pgreach_listener_present", "target=pod") == 1
            && s.Value("pgreach_listener_present", "target=node") == 0);
        var ss = await SocketStatistics.ListenersAsync(cluster.Port, namespaceOfPid: pid);

        Assert.Equal(ss.Order(), Info(scrape, "pod").Order());
        Assert.Equal([("127.0.0.1", "ipv4", "postgres")], ss);
        Assert.Empty(await SocketStatistics.ListenersAsync(cluster.Port));
        Assert.Equal("refused", scrape.Current("pgreach_login_result", "target=node"));
    }

    private static HashSet<string> Bound(Scrape scrape, string target) =>
        [.. scrape.Find("pgreach_listener_bound", $"target={target}").Where(s => s.Value == 1).Select(s => $"{s["address"]}/{s["family"]}")];

    private static IEnumerable<(string Address, string Family, string Process)> Info(Scrape scrape, string target) =>
        scrape.Find("pgreach_listener_info", $"target={target}").Select(s => (s["address"]!, s["family"]!, s["process"]!));
}

using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;
using static PgReachExporter.IntegrationTests.HostSignals.HostSignalTargets;

namespace PgReachExporter.IntegrationTests.HostSignals;

/// <summary>Clusters that really fail to bind, as their logs and the verdict show them.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class BindFailureTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Second_cluster_on_a_port_the_first_holds_is_counted_as_could_not_bind_and_no_listen_socket()
    {
        await using var holder = await fixture.NewClusterAsync();
        await holder.CreateRoleAsync("app", AppPassword);
        await using var second = await fixture.NewClusterAsync(new ClusterOptions { HbaLines = RejectingHba });
        await second.CreateRoleAsync("app", AppPassword);
        // The second cluster is meant to serve the holder's port; the holder answers there instead.
        var target = LogTarget("second", second, second.LogFilePath, host: "127.0.0.1");
        target["Port"] = holder.Port;
        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(target));
        await WaitUntilReadingAsync(agent, "second", second);

        await second.ExecuteAsync($"ALTER SYSTEM SET port = {holder.Port}");
        await second.RestartAsync(waitForReady: false);

        Assert.False(second.IsRunning);
        Assert.Contains($"could not bind IPv4 address \"127.0.0.1\": Address already in use", second.ReadLog(), StringComparison.Ordinal);
        var scrape = await WaitForCountsAsync(agent, "second", new Dictionary<string, double> { ["could_not_bind"] = 1, ["no_listen_socket"] = 1 });
        Assert.Empty(scrape.Find("pgreach_log_listening", "target=second"));
        Assert.NotNull(scrape.Value("pgreach_log_last_event_timestamp_seconds", "target=second", "event=could_not_bind"));

        var verdict = await TargetsApi.WaitForCauseAsync(agent, "second", "bind_failure");
        Assert.Contains("host", TargetsApi.Sources(verdict));
        Assert.Contains(TargetsApi.Evidence(verdict, "bind_failure"),
            e => e!.Contains("could not bind ipv4 address 127.0.0.1: address already in use", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Listen_address_the_host_does_not_have_binds_nothing_and_the_refusal_is_a_bind_failure()
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { HbaLines = RejectingHba });
        await cluster.CreateRoleAsync("app", AppPassword);
        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(LogTarget("db", cluster, cluster.LogFilePath, host: "127.0.0.1")));
        await WaitUntilReadingAsync(agent, "db", cluster);

        // 192.0.2.1 (TEST-NET-1) only as a bind address: binding sends no traffic, and the kernel refuses it.
        await cluster.ExecuteAsync("ALTER SYSTEM SET listen_addresses = '192.0.2.1'");
        await cluster.RestartAsync(waitForReady: false);

        Assert.False(cluster.IsRunning);
        await WaitForCountsAsync(agent, "db", new Dictionary<string, double> { ["could_not_bind"] = 1, ["no_listen_socket"] = 1 });
        var verdict = await TargetsApi.WaitForCauseAsync(agent, "db", "bind_failure");
        Assert.Equal("critical", verdict.GetProperty("state").GetString());
        Assert.Contains(TargetsApi.Evidence(verdict, "bind_failure"),
            e => e!.Contains("could not bind ipv4 address 192.0.2.1: address not available", StringComparison.Ordinal));
        var scrape = await agent.WaitForAsync(s => s.Value("pgreach_listener_present", "target=db") == 0);
        Assert.Equal(1, scrape.Value("pgreach_diagnosis", "target=db", "layer=transport", "cause=bind_failure"));
        Assert.Equal("refused", scrape.Current("pgreach_login_result", "target=db"));
    }
}

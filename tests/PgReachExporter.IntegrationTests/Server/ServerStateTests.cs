using System.Globalization;
using Npgsql;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;
using static PgReachExporter.IntegrationTests.Server.ServerTargets;

namespace PgReachExporter.IntegrationTests.Server;

/// <summary>Reload state, connection counts, identity and the monitoring connection itself, read through /metrics.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class ServerStateTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_edited_but_not_reloaded_hba_file_is_pending_until_pg_reload_conf()
    {
        await using var cluster = await fixture.NewClusterAsync();
        await CreateProbeRoleAsync(cluster);
        await using var agent = await RunningAgent.StartAsync(Config(Target("orders", cluster, Superuser(cluster))));
        await agent.WaitForAsync(s => s.Value("pgreach_hba_reload_pending", "target=orders") == 0, Bound, "nothing pending at start");

        // pg_stat_file reports whole seconds: write in a later second than the last load, as any real edit is.
        await HbaEdits.WritePendingAsync(cluster, [.. ClusterOptions.DefaultHbaLines, "host all all 10.0.9.0/24 scram-sha-256"]);

        var scrape = await agent.WaitForAsync(s => s.Value("pgreach_hba_reload_pending", "target=orders") == 1, Bound, "the edit seen");
        Assert.Equal(4, scrape.Value("pgreach_hba_rules", "target=orders"));
        Assert.Contains("hba_reload_pending", Causes(await agent.WaitForAsync(s => Causes(s).Contains("hba_reload_pending"), Bound, "the verdict")));

        await cluster.ExecuteAsync("SELECT pg_reload_conf()");

        await agent.WaitForAsync(s => s.Value("pgreach_hba_reload_pending", "target=orders") == 0, Bound, "the reload seen");
    }

    [Fact]
    public async Task Connection_counts_follow_connections_opening_and_closing()
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { MaxConnections = 25 });
        await CreateProbeRoleAsync(cluster);
        await using var agent = await RunningAgent.StartAsync(Config(Target("orders", cluster, Superuser(cluster))));
        var scrape = await agent.WaitForAsync(s => Idle(s) is not null, Bound, "the first connection count");
        Assert.Equal(25, scrape.Value("pgreach_max_connections", "target=orders"));
        Assert.Equal(3, scrape.Value("pgreach_superuser_reserved_connections", "target=orders"));
        Assert.True(scrape.Value("pgreach_connections", "target=orders", "state=active") >= 1, "the monitoring session counts itself");
        await agent.WaitForAsync(s => s.Value("pgreach_login_probes_total", "target=orders", "result=ok") >= 3, Bound, "a few cycles");
        Assert.Equal(1, await cluster.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgreach-monitor'"));

        var held = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var connection = new NpgsqlConnection(cluster.ConnectionString(ProbeUser, ProbePassword));
                held.Add(connection);
                await connection.OpenAsync();
            }

            await agent.WaitForAsync(s => Idle(s) >= 4, Bound, "four idle connections");
        }
        finally
        {
            foreach (var connection in held)
            {
                await connection.DisposeAsync();
            }
        }

        await agent.WaitForAsync(s => Idle(s) == 0, Bound, "the connections closed");
    }

    [Fact]
    public async Task Server_info_tells_two_clusters_on_neighbouring_ports_apart_and_the_wrong_one_is_a_finding()
    {
        var (first, second) = await StartNeighboursAsync();
        await using var a = first;
        await using var b = second;
        foreach (var cluster in new[] { a, b })
        {
            await CreateProbeRoleAsync(cluster);
            await MonitoringRoles.CreateLeastPrivilegedAsync(cluster);
        }

        // "b-as-a" is meant to be cluster a (its expectation says so) but its port is one off. The fixture's clusters are
        // copies of one template, so they even share a system identifier: only the port tells them apart.
        var expectA = new { Port = a.Port };
        await using var agent = await RunningAgent.StartAsync(Config(
            Target("a", a, Role(a, MonitoringRoles.LeastPrivileged), expect: expectA),
            Target("b-as-a", b, Role(b, MonitoringRoles.LeastPrivileged), expect: expectA)));

        var scrape = await agent.WaitForAsync(
            s => s.Find("pgreach_server_info").Count() == 2 && Causes(s, "b-as-a").Contains("wrong_port") && Causes(s, "a").Count > 0,
            Bound, "both identities and verdicts");
        var infoA = Assert.Single(scrape.Find("pgreach_server_info", "target=a"));
        var infoB = Assert.Single(scrape.Find("pgreach_server_info", "target=b-as-a"));
        Assert.Equal((a.Port.ToString(CultureInfo.InvariantCulture), "127.0.0.1"), (infoA["server_port"], infoA["server_address"]));
        Assert.Equal(b.Port.ToString(CultureInfo.InvariantCulture), infoB["server_port"]);
        Assert.Equal(1, scrape.Value("pgreach_up", "target=b-as-a"));
        Assert.Equal(["ok"], Causes(scrape, "a"));
    }

    [Fact]
    public async Task A_broken_monitoring_connection_shows_only_monitoring_up_zero_and_never_touches_the_probe()
    {
        var server = await fixture.DefaultServerAsync();
        var cluster = (PostgresCluster)server;
        var role = $"probe_{Guid.NewGuid():N}"[..20];
        await cluster.CreateRoleAsync(role, ProbePassword);
        var target = RunningAgent.Target("orders", "127.0.0.1", cluster.Port, role, ProbePassword, timeout: "500ms", interval: "1s");
        target["Monitoring"] = new Dictionary<string, object?> { ["Host"] = "127.0.0.1", ["Username"] = role, ["Password"] = "wrong" };
        await using var agent = await RunningAgent.StartAsync(Config(target));

        var scrape = await agent.WaitForAsync(s => s.Value("pgreach_up", "target=orders") == 1, Bound, "the probe");
        scrape = await agent.WaitForAsync(s => s.Value("pgreach_up", "target=orders") == 1 && s.Value("pgreach_monitoring_up", "target=orders") == 0, Bound, "probe up, monitoring down");

        Assert.Empty(scrape.Find("pgreach_server_check_result", "target=orders"));
        Assert.Empty(scrape.Find("pgreach_server_info", "target=orders"));
        Assert.Equal("ok", scrape.Current("pgreach_login_result", "target=orders"));
    }

    [Fact]
    public async Task A_hung_check_query_is_cut_by_the_statement_timeout_and_never_delays_the_probe()
    {
        await using var cluster = await fixture.NewClusterAsync();
        await CreateProbeRoleAsync(cluster);
        var monitoring = Superuser(cluster);
        monitoring["StatementTimeout"] = "300ms";
        await using var agent = await RunningAgent.StartAsync(Config(Target("orders", cluster, monitoring)));
        await agent.WaitForAsync(s => Check(s, "roles") == "ok" && s.Value("pgreach_up", "target=orders") == 1, Bound, "a first good cycle");

        // The roles check reads pg_auth_members; a session holding it locked makes that query wait, a login does not.
        await using var holder = await cluster.OpenSuperuserAsync();
        await using (var lockIt = new NpgsqlCommand("BEGIN; LOCK TABLE pg_catalog.pg_auth_members IN ACCESS EXCLUSIVE MODE", holder))
        {
            await lockIt.ExecuteNonQueryAsync();
        }

        var scrape = await agent.WaitForAsync(s => Check(s, "roles") == "error", Bound, "the roles query cut off");
        var loginsSoFar = OkLogins(scrape);
        Assert.Equal(("ok", "ok", 1.0), (Check(scrape, "settings"), Check(scrape, "hba_rules"), scrape.Value("pgreach_monitoring_up", "target=orders")));
        scrape = await agent.WaitForAsync(s => OkLogins(s) >= loginsSoFar + 2 && Check(s, "roles") == "error", Bound, "probes going on meanwhile");
        Assert.Equal(1, scrape.Value("pgreach_up", "target=orders"));

        await using (var release = new NpgsqlCommand("COMMIT", holder))
        {
            await release.ExecuteNonQueryAsync();
        }

        await agent.WaitForAsync(s => Check(s, "roles") == "ok", Bound, "the roles check back");
    }

    private async Task<(PostgresCluster, PostgresCluster)> StartNeighboursAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var first = await fixture.NewClusterAsync();
            try
            {
                return (first, await fixture.NewClusterAsync(new ClusterOptions { Port = first.Port + 1 }));
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                await first.DisposeAsync(); // the next port was taken; try another pair
            }
        }
    }

    private static string? Check(Scrape scrape, string check) =>
        scrape.Current("pgreach_server_check_result", "target=orders", $"check={check}");

    private static double OkLogins(Scrape scrape) => scrape.Value("pgreach_login_probes_total", "target=orders", "result=ok") ?? 0;

    private static double? Idle(Scrape scrape) => scrape.Value("pgreach_connections", "target=orders", "state=idle");

    private static List<string?> Causes(Scrape scrape, string target = "orders") =>
        [.. scrape.Find("pgreach_diagnosis", $"target={target}").Select(s => s["cause"])];
}

using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;
using static PgReachExporter.IntegrationTests.Server.ServerTargets;

namespace PgReachExporter.IntegrationTests.Server;

/// <summary>Declared expected clients judged against a real server's pg_hba_file_rules and role memberships, read through /metrics.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class ExpectedClientTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // Line 1 is the fixture's superuser line.
    private static readonly string[] HbaLines =
    [
        "host all all 127.0.0.1/32 scram-sha-256",          // 2: the probe
        "host orders all 10.0.1.0/24 reject",               // 3: blocks the app subnet ...
        "host orders app 10.0.1.0/24 scram-sha-256",        // 4: ... so this line can never match
        "host reports +analysts 10.0.2.0/24 scram-sha-256", // 5: members of analysts
        "host reports all 10.0.4.0/24 scram-sha-256",       // 6
        "host all app 10.0.4.0/24 md5",                     // 7
        "host all app fd00:1::/64 scram-sha-256",           // 8
    ];

    [Fact]
    public async Task Expected_clients_get_the_first_matching_line_with_group_membership_and_ipv6()
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { HbaLines = HbaLines });
        await CreateProbeRoleAsync(cluster);
        await cluster.CreateRoleAsync("alice", "alice-secret");
        await cluster.CreateRoleAsync("analysts", null, login: false);
        await using var agent = await RunningAgent.StartAsync(Config(Target("orders", cluster, Superuser(cluster),
        [
            Client("app-subnet", "10.0.1.0/24", "orders", "app"),
            Client("alice-reports", "10.0.2.5", "reports", "alice"),
            Client("app-later-line", "10.0.4.7", "orders", "app"),
            Client("app-v6", "fd00:1::42", "orders", "app"),
            Client("app-v6-elsewhere", "fd00:2::1", "orders", "app"),
        ])));

        // A scrape is not atomic across families: the evaluation can be written between reading the clients' families
        // and the shadowed-rules family, so the wait is for every family the assertions read.
        string[] clients = ["app-subnet", "alice-reports", "app-later-line", "app-v6", "app-v6-elsewhere"];
        var scrape = await agent.WaitForAsync(
            s => s.Value("pgreach_hba_shadowed_rules", "target=orders") is not null && s.Value("pgreach_hba_rules", "target=orders") is not null
                && clients.All(c => Decision(s, c) is (not int.MinValue, not int.MinValue)),
            Bound, "the first hba evaluation");

        Assert.Equal((0, 3), Decision(scrape, "app-subnet"));
        Assert.Equal((0, 0), Decision(scrape, "alice-reports"));
        Assert.Equal((1, 7), Decision(scrape, "app-later-line"));
        Assert.Equal((1, 8), Decision(scrape, "app-v6"));
        Assert.Equal((0, 0), Decision(scrape, "app-v6-elsewhere"));
        Assert.True(scrape.Value("pgreach_hba_shadowed_rules", "target=orders") >= 1);
        Assert.Equal(8, scrape.Value("pgreach_hba_rules", "target=orders"));

        // +role is resolved from pg_auth_members at every cycle; a grant needs no reload.
        await cluster.ExecuteAsync("GRANT analysts TO alice");

        scrape = await agent.WaitForAsync(s => Decision(s, "alice-reports") == (1, 5), Bound, "alice in analysts");
        Assert.Equal("ok", scrape.Current("pgreach_server_check_result", "target=orders", "check=roles"));
    }

    [Fact]
    public async Task Verdict_names_a_shadowed_rule_and_a_pending_listen_addresses_change_until_the_restart()
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { HbaLines = HbaLines });
        await CreateProbeRoleAsync(cluster);
        await using var agent = await RunningAgent.StartAsync(Config(Target("orders", cluster, Superuser(cluster),
            [Client("app-subnet", "10.0.1.0/24", "orders", "app")])));
        await agent.WaitForAsync(s => s.Value("pgreach_hba_client_allowed", "target=orders", "client=app-subnet") == 0, Bound, "the app subnet judged");

        await cluster.ExecuteAsync("ALTER SYSTEM SET listen_addresses = '127.0.0.1,127.0.0.2'");
        await cluster.ReloadAsync();

        var scrape = await agent.WaitForAsync(
            s => Causes(s).Contains("listen_addresses_pending_restart") && Causes(s).Contains("hba_rule_shadowed"), Bound, "both causes");
        Assert.Equal(1, scrape.Value("pgreach_setting_pending_restart", "target=orders", "name=listen_addresses"));
        Assert.Equal("127.0.0.1", Assert.Single(scrape.Find("pgreach_server_info", "target=orders"))["listen_addresses"]);
        var verdict = await agent.Http.GetStringAsync("/api/targets");
        Assert.Contains("pg_hba.conf line 3", verdict, StringComparison.Ordinal);
        Assert.Contains("pg_hba.conf line 4", verdict, StringComparison.Ordinal);

        // The restart drops the monitoring connection; it comes back on its own and the pending change is applied.
        await cluster.RestartAsync();

        await agent.WaitForAsync(
            s => s.Value("pgreach_monitoring_up", "target=orders") == 1
                 && s.Value("pgreach_setting_pending_restart", "target=orders", "name=listen_addresses") == 0
                 && s.Find("pgreach_server_info", "target=orders", "listen_addresses=127.0.0.1,127.0.0.2").Any(),
            Bound, "the restarted server listening on both addresses");
        // A verdict made while the monitoring connection was still down has no server evidence: wait for one that has.
        await agent.WaitForAsync(
            s => !Causes(s).Contains("listen_addresses_pending_restart") && Causes(s).Contains("hba_rule_shadowed"), Bound, "the pending cause cleared");
    }

    /// <summary>(allowed, matched line) of one expected client; a missing series fails the comparison.</summary>
    private static (int Allowed, int Line) Decision(Scrape scrape, string client) => (
        (int)(scrape.Value("pgreach_hba_client_allowed", "target=orders", $"client={client}") ?? int.MinValue),
        (int)(scrape.Value("pgreach_hba_client_matched_line", "target=orders", $"client={client}") ?? int.MinValue));

    private static List<string?> Causes(Scrape scrape) => [.. scrape.Find("pgreach_diagnosis", "target=orders").Select(s => s["cause"])];
}

using System.Globalization;
using System.Text.Json;
using Npgsql;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.Lab;
using static PgReachExporter.IntegrationTests.Server.ServerTargets;

namespace PgReachExporter.IntegrationTests.Server;

/// <summary>
/// What a pending pg_hba.conf edit or a listen_addresses/port change waiting for a restart would do, told before it is
/// applied, on real clusters: the findings and metrics while pending, then what the client sees once it is applied.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PendingChangeTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // The probe's own way in (the fixture's line 2) and a client no line admits yet.
    private static readonly object Probe = Client("probe", "127.0.0.1", "postgres", ProbeUser);
    private static readonly object Batch = Client("batch", "10.0.9.5", "postgres", "batch");

    /// <summary>The oldest and the newest major at hand: pg_hba_file_rules gained rule_number and file_name in 16.</summary>
    public static TheoryData<int> OldestAndNewest()
    {
        var majors = PostgresBinaries.All().Select(b => b.Major).Order().ToList();
        return [.. majors.Take(1).Concat(majors.Skip(1).TakeLast(1))];
    }

    [Theory]
    [MemberData(nameof(OldestAndNewest))]
    public async Task Dropping_an_expected_clients_line_is_a_lock_out_before_the_reload_and_no_hba_entry_after_it(int major)
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { Major = major });
        await CreateProbeRoleAsync(cluster);
        await using var agent = await RunningAgent.StartAsync(Config(Target("orders", cluster, Superuser(cluster), [Probe, Batch])));
        await agent.WaitForAsync(
            s => Sides(s, "probe") == (1, 1) && Sides(s, "batch") == (0, 0) && s.Value("pgreach_up", "target=orders") == 1,
            Bound, "both clients judged while nothing is pending");

        // Line 2 (the probe's 127.0.0.1 line) goes, a line for the batch subnet comes; not reloaded yet.
        await HbaEdits.WritePendingAsync(cluster, ["host all all ::1/128 scram-sha-256", "host all all 10.0.9.0/24 scram-sha-256"]);

        var scrape = await agent.WaitForAsync(
            s => Causes(s).Contains("hba_reload_would_lock_out") && Causes(s).Contains("hba_reload_would_admit") && LoginOk(s), Bound, "the pending edit judged");
        Assert.Equal((1, 0), Sides(scrape, "probe"));
        Assert.Equal((0, 1), Sides(scrape, "batch"));
        var findings = await FindingsAsync(agent);
        var lockOut = findings["hba_reload_would_lock_out"];
        Assert.Equal("critical", lockOut.Severity);
        Assert.Contains(lockOut.Evidence, e => e.StartsWith("client probe (", StringComparison.Ordinal)
            && e.Contains("is allowed now by pg_hba.conf line 2 (host all all 127.0.0.1", StringComparison.Ordinal)
            && e.EndsWith("after a reload no pg_hba.conf line would match it", StringComparison.Ordinal));
        Assert.Contains(findings["hba_reload_would_admit"].Evidence, e => e.StartsWith("client batch (", StringComparison.Ordinal)
            && e.Contains("after a reload pg_hba.conf line 3 (host all all 10.0.9.0", StringComparison.Ordinal));
        Assert.Equal("info", findings["hba_reload_would_admit"].Severity);
        // The status page shows it as every other finding (the same verdict).
        var page = await agent.Http.GetStringAsync("/");
        Assert.Contains("A reload of the changed pg_hba.conf would lock out an expected client", page, StringComparison.Ordinal);
        Assert.Contains("after a reload no pg_hba.conf line would match it", page, StringComparison.Ordinal);

        // The rules in force still let the probe in: nothing says no_hba_entry about it yet.
        Assert.DoesNotContain((findings.TryGetValue("hba_no_entry", out var noEntry) ? noEntry.Evidence : []), e => e.Contains("client probe", StringComparison.Ordinal));

        await cluster.ReloadAsync();

        scrape = await agent.WaitForAsync(
            s => s.Current("pgreach_login_result", "target=orders") == "no_hba_entry" && Sides(s, "probe") == (0, 0)
                 && !Causes(s).Contains("hba_reload_would_lock_out"),
            Bound, "the reload applied: the probe locked out as foretold");
        Assert.Contains("hba_no_entry", Causes(scrape));
        Assert.Equal((1, 1), Sides(scrape, "batch"));
        Assert.DoesNotContain("hba_reload_would_admit", Causes(scrape));
    }

    [Fact]
    public async Task A_malformed_edit_would_fail_and_the_old_rules_keep_working_through_the_failed_reload()
    {
        await using var cluster = await fixture.NewClusterAsync();
        await CreateProbeRoleAsync(cluster);
        await using var agent = await RunningAgent.StartAsync(Config(Target("orders", cluster, Superuser(cluster), [Probe])));
        await agent.WaitForAsync(s => Sides(s, "probe") == (1, 1) && s.Value("pgreach_up", "target=orders") == 1, Bound, "nothing pending");

        // Line 2 would reject the probe if the server took the file; line 3 cannot be parsed, so it will not.
        await HbaEdits.WritePendingAsync(cluster, ["host all all 127.0.0.1/32 reject", "host all all 127.0.0.1/32 bogusmethod"]);

        var scrape = await agent.WaitForAsync(s => Causes(s).Contains("hba_reload_would_fail"), Bound, "the broken edit seen");
        Assert.Equal((1, 1), Sides(scrape, "probe"));
        Assert.DoesNotContain("hba_reload_would_lock_out", Causes(scrape));
        var fail = (await FindingsAsync(agent))["hba_reload_would_fail"];
        Assert.Contains(fail.Evidence, e => e.Contains("line 3: ", StringComparison.Ordinal) && e.Contains("bogusmethod", StringComparison.Ordinal));

        await cluster.ReloadAsync();
        await cluster.WaitForLogAsync("was not reloaded");

        var okBefore = scrape.Value("pgreach_login_probes_total", "target=orders", "result=ok") ?? 0;
        scrape = await agent.WaitForAsync(s => s.Value("pgreach_login_probes_total", "target=orders", "result=ok") >= okBefore + 3, Bound, "logins after the failed reload");
        Assert.Equal((1, 1), Sides(scrape, "probe"));

        // The reload was tried: no longer a forecast but the state, which hba_syntax_errors says; still judged by the old rules.
        scrape = await agent.WaitForAsync(s => !Causes(s).Contains("hba_reload_would_fail") && Causes(s).Contains("hba_syntax_errors"), Bound, "the failed reload seen");
        Assert.Equal((1, 1), Sides(scrape, "probe"));
        Assert.Equal(0, scrape.Value("pgreach_hba_reload_pending", "target=orders"));
        await using var login = new NpgsqlConnection(cluster.ConnectionString(ProbeUser, ProbePassword));
        await login.OpenAsync();
    }

    [Fact]
    public async Task Started_while_an_edit_is_pending_the_agent_says_the_rules_in_force_are_unknown_and_guesses_no_lock_out()
    {
        await using var cluster = await fixture.NewClusterAsync();
        await CreateProbeRoleAsync(cluster);
        await HbaEdits.WritePendingAsync(cluster, ["host all all ::1/128 scram-sha-256"]);

        await using var agent = await RunningAgent.StartAsync(Config(Target("orders", cluster, Superuser(cluster), [Probe])));

        // The old rules still admit the probe: its login works while the agent cannot tell what a reload changes.
        var scrape = await agent.WaitForAsync(s => Sides(s, "probe") == (-1, 0) && Causes(s).Contains("hba_reload_pending") && LoginOk(s), Bound, "the pending edit at start");
        Assert.DoesNotContain("hba_reload_would_lock_out", Causes(scrape));
        var pending = (await FindingsAsync(agent))["hba_reload_pending"];
        Assert.Contains(pending.Evidence, e => e.Contains("rules in force are unknown", StringComparison.Ordinal));
        Assert.Contains(pending.Evidence, e => e.StartsWith("after a reload: client probe (", StringComparison.Ordinal)
            && e.EndsWith("no pg_hba.conf line would match it", StringComparison.Ordinal));

        await cluster.ReloadAsync();

        await agent.WaitForAsync(s => Sides(s, "probe") == (0, 0) && s.Current("pgreach_login_result", "target=orders") == "no_hba_entry", Bound, "known again after the reload");
    }

    [Fact]
    public async Task A_listen_addresses_or_port_change_waiting_for_a_restart_is_reported_with_its_effect_before_the_restart()
    {
        await using var cluster = await fixture.NewClusterAsync();
        await CreateProbeRoleAsync(cluster);
        var port = cluster.Port.ToString(CultureInfo.InvariantCulture);
        await using var agent = await RunningAgent.StartAsync(Config(Target("orders", cluster, Superuser(cluster),
            [Probe, Client("app-subnet", "10.0.1.0/24", "postgres", ProbeUser)])));
        await agent.WaitForAsync(s => s.Value("pgreach_up", "target=orders") == 1 && s.Current("pgreach_server_check_result", "target=orders", "check=file_settings") == "ok",
            Bound, "a first good cycle");

        // Every address: the subnet would gain a listener, the probe keeps its own.
        await cluster.ExecuteAsync("ALTER SYSTEM SET listen_addresses = '*'");
        await cluster.ReloadAsync();
        await agent.WaitForAsync(s => Causes(s).Contains("listen_addresses_pending_restart"), Bound, "the first change pending");
        var pending = (await FindingsAsync(agent))["listen_addresses_pending_restart"];
        Assert.Contains($"client app-subnet (from 10.0.1.0/24) would get a listener on port {port}", pending.Evidence);
        Assert.Contains(pending.Evidence, e => e.StartsWith($"after a restart: would bind 0.0.0.0:{port}, [::]:{port} (listen_addresses = '*' (", StringComparison.Ordinal)
            && e.Contains("postgresql.auto.conf line", StringComparison.Ordinal));
        Assert.DoesNotContain("restart_would_unbind", Causes(await agent.ScrapeAsync()));

        // Only 127.0.0.2: the probed 127.0.0.1 would lose its listener.
        await cluster.ExecuteAsync("ALTER SYSTEM SET listen_addresses = '127.0.0.2'");
        await cluster.ReloadAsync();
        await agent.WaitForAsync(s => Causes(s).Contains("restart_would_unbind"), Bound, "the unbinding change");
        var unbind = (await FindingsAsync(agent))["restart_would_unbind"];
        Assert.Equal("critical", unbind.Severity);
        Assert.Contains($"the probed address 127.0.0.1:{port} would have no listener", unbind.Evidence);
        Assert.Contains(unbind.Evidence, e => e.StartsWith($"after a restart: would bind 127.0.0.2:{port} (listen_addresses = '127.0.0.2' (", StringComparison.Ordinal));
        Assert.Contains($"running: listen_addresses = '127.0.0.1', port = {port}: binds 127.0.0.1:{port}", unbind.Evidence);

        // A port change too, then taken back: the written port is what the restart would use.
        var other = (cluster.Port + 1).ToString(CultureInfo.InvariantCulture);
        await cluster.ExecuteAsync($"ALTER SYSTEM SET port = {other}");
        await cluster.ReloadAsync();
        await agent.WaitForTargetsAsync(_ => true, Bound);
        await WaitForEvidenceAsync(agent, "restart_would_unbind", $"after a restart: would bind 127.0.0.2:{other} (listen_addresses = '127.0.0.2'");
        Assert.Equal(1, (await agent.ScrapeAsync()).Value("pgreach_setting_pending_restart", "target=orders", "name=port"));
        await cluster.ExecuteAsync("ALTER SYSTEM RESET port");
        await cluster.ReloadAsync();
        await WaitForEvidenceAsync(agent, "restart_would_unbind", $"after a restart: would bind 127.0.0.2:{port} (");

        // The restart does what was said: 127.0.0.1 is refused, and nothing is pending any more.
        await cluster.RestartAsync();

        var scrape = await agent.WaitForAsync(
            s => s.Value("pgreach_tcp_connect_result", "target=orders", "address=127.0.0.1", "result=refused") == 1
                 && s.Value("pgreach_monitoring_up", "target=orders") == 1
                 && s.Value("pgreach_setting_pending_restart", "target=orders", "name=listen_addresses") == 0,
            Bound, "the restarted server bound to 127.0.0.2 only");
        await agent.WaitForAsync(s => !Causes(s).Contains("restart_would_unbind") && !Causes(s).Contains("listen_addresses_pending_restart"), Bound, "nothing pending");
        Assert.Contains(scrape.Find("pgreach_server_info", "target=orders"), i => i["listen_addresses"] == "127.0.0.2");
    }

    private static async Task WaitForEvidenceAsync(RunningAgent agent, string cause, string prefix) =>
        await agent.WaitForTargetsAsync(root => Findings(root).TryGetValue(cause, out var f) && f.Evidence.Any(e => e.StartsWith(prefix, StringComparison.Ordinal)), Bound);

    /// <summary>(allowed in force, allowed after a reload) of one expected client; a missing series gives int.MinValue.</summary>
    private static (int Now, int AfterReload) Sides(Scrape scrape, string client) => (
        (int)(scrape.Value("pgreach_hba_client_allowed", "target=orders", $"client={client}") ?? int.MinValue),
        (int)(scrape.Value("pgreach_hba_client_allowed_after_reload", "target=orders", $"client={client}") ?? int.MinValue));

    // A probe under a 500 ms timeout on a loaded machine may time out once: wait for a good login, never assert the latest one.
    private static bool LoginOk(Scrape scrape) => scrape.Current("pgreach_login_result", "target=orders") == "ok";

    private static List<string?> Causes(Scrape scrape) => [.. scrape.Find("pgreach_diagnosis", "target=orders").Select(s => s["cause"])];

    private static async Task<Dictionary<string, (string Severity, List<string> Evidence)>> FindingsAsync(RunningAgent agent)
    {
        using var document = JsonDocument.Parse(await agent.Http.GetStringAsync("/api/targets"));
        return Findings(document.RootElement);
    }

    private static Dictionary<string, (string Severity, List<string> Evidence)> Findings(JsonElement root) =>
        root.GetProperty("targets").EnumerateArray()
            .Where(t => t.GetProperty("name").GetString() == "orders")
            .SelectMany(t => t.GetProperty("findings").EnumerateArray())
            .ToDictionary(
                f => f.GetProperty("cause").GetString()!,
                f => (f.GetProperty("severity").GetString()!, f.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()!).ToList()));
}

using System.Globalization;
using Npgsql;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;
using static PgReachExporter.IntegrationTests.Server.ServerTargets;

namespace PgReachExporter.IntegrationTests.Server;

/// <summary>
/// On every available major: settings, identity and pg_hba rules read through /metrics, by a superuser, by exactly the
/// documented least-privileged role and by a pg_monitor role without the grants, side by side on one cluster.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PrivilegeTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly string[] Checks = ["settings", "file_settings", "identity", "hba_rules", "hba_reload", "connections", "roles", "log_remote"];

    public static TheoryData<int> Majors()
    {
        var majors = new TheoryData<int>();
        foreach (var binaries in PostgresBinaries.All())
        {
            majors.Add(binaries.Major);
        }

        return majors;
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task Each_role_sees_what_its_privileges_allow_and_a_malformed_hba_line_is_reported(int major)
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { Major = major, MaxConnections = 30 });
        await CreateProbeRoleAsync(cluster);
        await MonitoringRoles.CreateLeastPrivilegedAsync(cluster);
        await MonitoringRoles.CreateMonitorOnlyAsync(cluster);
        var systemIdentifier = await cluster.ScalarAsync<string>("SELECT system_identifier::text FROM pg_control_system()");
        await using var agent = await RunningAgent.StartAsync(Config(
            Target("super", cluster, Superuser(cluster, readServerLog: true)),
            Target("least", cluster, Role(cluster, MonitoringRoles.LeastPrivileged, readServerLog: true)),
            Target("monitor-only", cluster, Role(cluster, MonitoringRoles.MonitorOnly, readServerLog: true))));

        var scrape = await agent.WaitForAsync(
            s => new[] { "super", "least", "monitor-only" }.All(t => Checks.All(c => Result(s, t, c) is not null)),
            Bound, "every check of every target");

        Assert.All(Checks, check => Assert.Equal("ok", Result(scrape, "super", check)));
        Assert.All(Checks, check => Assert.Equal("ok", Result(scrape, "least", check)));
        Assert.Equal(
            ["ok", "permission_denied", "ok", "permission_denied", "permission_denied", "ok", "ok", "permission_denied"],
            Checks.Select(check => Result(scrape, "monitor-only", check)));

        // Identity: over TCP the server reports its address and port; over the Unix socket no address, and the port setting.
        var least = Assert.Single(scrape.Find("pgreach_server_info", "target=least"));
        Assert.StartsWith($"{major}.", least["version"], StringComparison.Ordinal);
        Assert.Equal(("127.0.0.1", cluster.Port.ToString(CultureInfo.InvariantCulture), systemIdentifier, "127.0.0.1"),
            (least["server_address"], least["server_port"], least["system_identifier"], least["listen_addresses"]));
        var super = Assert.Single(scrape.Find("pgreach_server_info", "target=super"));
        Assert.Equal(("", cluster.Port.ToString(CultureInfo.InvariantCulture), systemIdentifier), (super["server_address"], super["server_port"], super["system_identifier"]));
        Assert.NotNull(scrape.Value("pgreach_postmaster_start_time_seconds", "target=least"));
        Assert.NotNull(scrape.Value("pgreach_config_load_time_seconds", "target=least"));

        // Settings: the same for a role with pg_monitor; reserved_connections exists from 16 on.
        foreach (var target in new[] { "least", "monitor-only" })
        {
            Assert.Equal(30, scrape.Value("pgreach_max_connections", $"target={target}"));
            Assert.Equal(3, scrape.Value("pgreach_superuser_reserved_connections", $"target={target}"));
            Assert.Equal(major >= 16 ? 0.0 : null, scrape.Value("pgreach_reserved_connections", $"target={target}"));
            Assert.Equal(0, scrape.Value("pgreach_setting_pending_restart", $"target={target}", "name=listen_addresses"));
            Assert.Equal(0, scrape.Value("pgreach_setting_pending_restart", $"target={target}", "name=hba_file"));
        }

        // pg_hba.conf: the fixture's superuser line and the two default lines.
        Assert.Equal(3, scrape.Value("pgreach_hba_rules", "target=least"));
        Assert.Equal(0, scrape.Value("pgreach_hba_rule_errors", "target=least"));
        Assert.Equal(1, scrape.Value("pgreach_hba_file_loadable", "target=least"));
        Assert.Null(scrape.Value("pgreach_hba_rules", "target=monitor-only"));
        Assert.Null(scrape.Value("pgreach_hba_reload_pending", "target=monitor-only"));

        await MalformedLineIsReportedAndTheOldRulesStayInForceAsync(cluster, agent);
    }

    private static async Task MalformedLineIsReportedAndTheOldRulesStayInForceAsync(PostgresCluster cluster, RunningAgent agent)
    {
        // Line 2 would replace the 127.0.0.1 scram line if the server took the file; line 3 cannot be parsed.
        await cluster.WriteHbaAsync(["host all all 127.0.0.1/32 reject", "host all all 127.0.0.1/32 bogusmethod"]);
        await cluster.ReloadAsync();
        await cluster.WaitForLogAsync("was not reloaded");

        var scrape = await agent.WaitForAsync(
            s => new[] { "least", "super" }.All(t => s.Value("pgreach_hba_rule_errors", $"target={t}") == 1 && s.Find("pgreach_hba_rule_error_info", $"target={t}").Any()),
            Bound, "the malformed line");

        Assert.Equal(0, scrape.Value("pgreach_hba_file_loadable", "target=least"));
        Assert.Equal(2, scrape.Value("pgreach_hba_rules", "target=least"));
        var error = Assert.Single(scrape.Find("pgreach_hba_rule_error_info", "target=least"));
        Assert.Equal((cluster.HbaFilePath, "3"), (error["file"], error["line"]));
        Assert.Equal(1, scrape.Value("pgreach_hba_rule_errors", "target=super"));

        // The server kept the rules it had: a new password login over 127.0.0.1 still gets in.
        await using var login = new NpgsqlConnection(cluster.ConnectionString(ProbeUser, ProbePassword));
        await login.OpenAsync();
    }

    private static string? Result(Scrape scrape, string target, string check) =>
        scrape.Current("pgreach_server_check_result", $"target={target}", $"check={check}");
}

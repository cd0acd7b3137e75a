using System.Net;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;
using static PgReachExporter.IntegrationTests.Agent.RunningAgent;

namespace PgReachExporter.IntegrationTests.Reachability;

/// <summary>The seed's failure modes, each built for real and asserted through /metrics.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class ReachabilityTests(ClusterFixture fixture)
{
    private const string Password = "app-Secret-42";

    private async Task<PostgresCluster> ClusterWithAppAsync(ClusterOptions? options = null)
    {
        var cluster = await fixture.NewClusterAsync(options);
        await cluster.CreateRoleAsync("app", Password);
        await cluster.CreateDatabaseAsync("orders", "app");
        return cluster;
    }

    private static async Task<Scrape> ProbeOnceAsync(params Dictionary<string, object?>[] targets)
    {
        await using var agent = await StartAsync(Config(targets));
        return await agent.WaitForAsync(s => targets.All(t => s.Current("pgreach_login_result", $"target={t["Name"]}") is not null));
    }

    /// <summary>Durations are read from the second cycle, so the first cycle's JIT warm-up does not count.</summary>
    private static async Task<Scrape> ProbeTwiceAsync(Dictionary<string, object?> target)
    {
        await using var agent = await StartAsync(Config(target));
        return await agent.WaitForAsync(s => s.Find("pgreach_login_probes_total", $"target={target["Name"]}").Sum(x => x.Value) >= 2);
    }

    [Fact]
    public async Task Healthy_server_is_open_and_logs_in()
    {
        var cluster = await ClusterWithAppAsync();

        var scrape = await ProbeOnceAsync(Target("healthy", "127.0.0.1", cluster.Port, password: Password, database: "orders"));

        Assert.Equal("open", scrape.Current("pgreach_tcp_connect_result", "target=healthy", "address=127.0.0.1", "family=ipv4"));
        Assert.Equal("ok", scrape.Current("pgreach_login_result", "target=healthy"));
        Assert.Equal(1, scrape.Value("pgreach_up", "target=healthy"));
        Assert.Equal(cluster.Major, (int)(scrape.Value("pgreach_login_server_version", "target=healthy")! / 10000));
        Assert.Equal(1, scrape.Value("pgreach_dns_addresses", "target=healthy", "family=ipv4"));
        Assert.True(scrape.Value("pgreach_tcp_probes_total", "target=healthy", "result=open") >= 1);
    }

    [Fact]
    public async Task Listener_bound_to_loopback_is_refused_from_another_address()
    {
        var cluster = await ClusterWithAppAsync();

        var scrape = await ProbeOnceAsync(Target("localhost-only", "127.0.0.2", cluster.Port, password: Password));

        Assert.Equal("refused", scrape.Current("pgreach_tcp_connect_result", "target=localhost-only", "address=127.0.0.2"));
        Assert.Equal("refused", scrape.Current("pgreach_login_result", "target=localhost-only"));
        Assert.Equal(0, scrape.Value("pgreach_up", "target=localhost-only"));
    }

    [Fact]
    public async Task Nothing_listening_on_the_port_is_refused()
    {
        var port = FreePort.Allocate(IPAddress.Loopback);

        var scrape = await ProbeOnceAsync(Target("nothing", "127.0.0.1", port));

        Assert.Equal("refused", scrape.Current("pgreach_tcp_connect_result", "target=nothing"));
        Assert.Equal("refused", scrape.Current("pgreach_login_result", "target=nothing"));
    }

    [Fact]
    public async Task Dropped_syn_times_out_within_the_deadline()
    {
        await using var hole = await BlackHoleListener.StartAsync(IPAddress.Loopback);
        await using var agent = await StartAsync(Config(Target("black-hole", "127.0.0.1", hole.Port, timeout: "1s")));

        // The first cycle's login times out beside the connect; the next, timing out everywhere again, makes none.
        // A scrape is not atomic across families: the skip may be counted in it after the second probe's family was read.
        var scrape = await agent.WaitForAsync(s => s.Value("pgreach_login_attempts_skipped_total", "reason=timeout") >= 1
            && s.Value("pgreach_tcp_probes_total", "target=black-hole", "result=timeout") >= 2);

        Assert.Equal(1, scrape.Value("pgreach_login_probes_total", "target=black-hole", "result=timeout"));
        Assert.Equal("timeout", scrape.Current("pgreach_tcp_connect_result", "target=black-hole"));
        Assert.Equal("timeout", scrape.Current("pgreach_login_result", "target=black-hole"));
        var tcp = scrape.Value("pgreach_tcp_connect_duration_seconds", "target=black-hole")!.Value;
        var login = scrape.Value("pgreach_login_duration_seconds", "target=black-hole")!.Value;
        // The 1 s deadline, not the kernel's two-minute SYN timeout and not a retry (2 s); the slack above the deadline
        // is for timers firing late on a loaded machine, as the TCP probe's own test allows.
        Assert.InRange(tcp, 0.9, 1.5);
        Assert.InRange(login, 0.9, 1.5);
        Assert.InRange(scrape.Value("pgreach_probe_cycle_duration_seconds", "target=black-hole")!.Value, 0.9, 1.5);
    }

    [Fact]
    public async Task Missing_hba_entry_is_named()
    {
        var cluster = await ClusterWithAppAsync(new ClusterOptions { HbaLines = ["host all postgres 127.0.0.1/32 scram-sha-256"] });

        var scrape = await ProbeOnceAsync(Target("no-entry", "127.0.0.1", cluster.Port, password: Password, database: "orders"));

        Assert.Equal("open", scrape.Current("pgreach_tcp_connect_result", "target=no-entry"));
        Assert.Equal("no_hba_entry", scrape.Current("pgreach_login_result", "target=no-entry"));
    }

    [Fact]
    public async Task Explicit_reject_rule_is_named()
    {
        var cluster = await ClusterWithAppAsync(new ClusterOptions
        {
            HbaLines = ["host all app 127.0.0.1/32 reject", "host all all 127.0.0.1/32 scram-sha-256"],
        });

        var scrape = await ProbeOnceAsync(Target("rejected", "127.0.0.1", cluster.Port, password: Password, database: "orders"));

        Assert.Equal("hba_reject", scrape.Current("pgreach_login_result", "target=rejected"));
    }

    [Fact]
    public async Task Wrong_scram_password_and_a_role_hidden_behind_it_are_password_failures()
    {
        var cluster = await ClusterWithAppAsync();

        var scrape = await ProbeOnceAsync(
            Target("wrong-password", "127.0.0.1", cluster.Port, password: "not-the-password", database: "orders"),
            Target("unknown-role-scram", "127.0.0.1", cluster.Port, username: "ghost", password: "whatever"));

        Assert.Equal("password_failed", scrape.Current("pgreach_login_result", "target=wrong-password"));
        // With password methods PostgreSQL does not reveal whether the role exists.
        Assert.Equal("password_failed", scrape.Current("pgreach_login_result", "target=unknown-role-scram"));
    }

    [Fact]
    public async Task A_failed_login_is_one_attempt_on_the_server_never_a_retry()
    {
        var cluster = await ClusterWithAppAsync();
        Scrape scrape;
        await using (var agent = await StartAsync(Config(
            Target("once", "127.0.0.1", cluster.Port, password: "not-the-password", database: "orders", interval: "1s", timeout: "800ms"))))
        {
            scrape = await agent.WaitForAsync(s => s.Value("pgreach_login_probes_total", "target=once", "result=password_failed") >= 3);
        }

        var probes = (int)scrape.Value("pgreach_login_probes_total", "target=once", "result=password_failed")!.Value;
        var logged = await cluster.WaitForLogAsync("password authentication failed");
        var attempts = cluster.ReadLog().Split('\n').Count(l => l.Contains("password authentication failed for user \"app\"", StringComparison.Ordinal));
        // One more attempt may have been under way when the scrape was taken.
        Assert.InRange(attempts, probes, probes + 1);
        Assert.NotEmpty(logged);
    }

    [Fact]
    public async Task Missing_role_and_missing_database_are_named()
    {
        var cluster = await ClusterWithAppAsync(new ClusterOptions { HbaLines = ["host all all 127.0.0.1/32 trust"] });

        var scrape = await ProbeOnceAsync(
            Target("no-role", "127.0.0.1", cluster.Port, username: "ghost"),
            Target("no-database", "127.0.0.1", cluster.Port, database: "nope"));

        Assert.Equal("role_missing", scrape.Current("pgreach_login_result", "target=no-role"));
        Assert.Equal("database_missing", scrape.Current("pgreach_login_result", "target=no-database"));
    }

    [Fact]
    public async Task Full_connection_slots_are_too_many_connections()
    {
        var cluster = await ClusterWithAppAsync(new ClusterOptions
        {
            MaxConnections = 3,
            ExtraConfig = new Dictionary<string, string> { ["superuser_reserved_connections"] = "0" },
        });
        var holders = new List<Npgsql.NpgsqlConnection>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var connection = new Npgsql.NpgsqlConnection(cluster.ConnectionString("app", Password, "orders"));
                await connection.OpenAsync();
                holders.Add(connection);
            }

            var scrape = await ProbeOnceAsync(Target("full", "127.0.0.1", cluster.Port, password: Password, database: "orders"));

            Assert.Equal("too_many_connections", scrape.Current("pgreach_login_result", "target=full"));
            Assert.Equal("open", scrape.Current("pgreach_tcp_connect_result", "target=full"));
        }
        finally
        {
            foreach (var connection in holders)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Other_protocols_on_the_port_are_not_postgres()
    {
        await using var ssh = ForeignProtocolListener.Start(ForeignProtocol.Ssh, IPAddress.Loopback);
        await using var http = ForeignProtocolListener.Start(ForeignProtocol.Http, IPAddress.Loopback);

        var scrape = await ProbeOnceAsync(
            Target("ssh", "127.0.0.1", ssh.Port, sslMode: "Prefer", timeout: "3s", interval: "5s"),
            Target("http", "127.0.0.1", http.Port, sslMode: "Disable", timeout: "3s", interval: "5s"));

        Assert.Equal("not_postgres", scrape.Current("pgreach_login_result", "target=ssh"));
        Assert.Equal("not_postgres", scrape.Current("pgreach_login_result", "target=http"));
        Assert.Equal("open", scrape.Current("pgreach_tcp_connect_result", "target=ssh"));
    }

    [Fact]
    public async Task Server_that_accepts_but_never_answers_times_out_instead_of_hanging()
    {
        await using var silent = SilentListener.Start(IPAddress.Loopback);

        var scrape = await ProbeTwiceAsync(Target("silent", "127.0.0.1", silent.Port, timeout: "1s"));

        Assert.Equal("open", scrape.Current("pgreach_tcp_connect_result", "target=silent"));
        Assert.Equal("timeout", scrape.Current("pgreach_login_result", "target=silent"));
        Assert.InRange(scrape.Value("pgreach_login_duration_seconds", "target=silent")!.Value, 0.9, 1.5);
    }

    [Fact]
    public async Task Each_address_family_gets_its_own_result()
    {
        var cluster = await ClusterWithAppAsync();

        var scrape = await ProbeOnceAsync(
            Target("v4", "127.0.0.1", cluster.Port, password: Password),
            Target("v6", "::1", cluster.Port, password: Password));

        Assert.Equal("open", scrape.Current("pgreach_tcp_connect_result", "target=v4", "family=ipv4", "address=127.0.0.1"));
        Assert.Equal("refused", scrape.Current("pgreach_tcp_connect_result", "target=v6", "family=ipv6", "address=::1"));
        Assert.Equal("refused", scrape.Current("pgreach_login_result", "target=v6"));
    }

    [Fact]
    public async Task Dual_stack_listener_is_open_on_both_families()
    {
        var cluster = await ClusterWithAppAsync(new ClusterOptions { ListenAddresses = "127.0.0.1,::1" });

        var scrape = await ProbeOnceAsync(
            Target("v4", "127.0.0.1", cluster.Port, password: Password),
            Target("v6", "::1", cluster.Port, password: Password));

        Assert.Equal("open", scrape.Current("pgreach_tcp_connect_result", "target=v6", "family=ipv6"));
        Assert.Equal("ok", scrape.Current("pgreach_login_result", "target=v6"));
        Assert.Equal("ok", scrape.Current("pgreach_login_result", "target=v4"));
    }
}

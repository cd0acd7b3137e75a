using System.Net;
using PgReachExporter.IntegrationTests.Infrastructure;
using static PgReachExporter.IntegrationTests.Agent.RunningAgent;

namespace PgReachExporter.IntegrationTests.EndToEnd;

/// <summary>
/// A cluster and loopback endpoints whose targets give every metric family something to report: a healthy login,
/// a wrong password, a refusing port and a black hole; on the cluster, a shadowed hba rule for an expected client,
/// a setting waiting for a restart and a pg_hba.conf line it cannot parse.
/// </summary>
internal sealed class MetricFamilyTargets : IAsyncDisposable
{
    public static readonly IReadOnlyList<string> Names = ["healthy", "wrong-password", "refused", "black-hole"];

    private const string AppPassword = "app-Secret-42";
    private const string MonitorRole = "pgreach_monitor";
    private const string MonitorPassword = "monitor-Secret-42";

    // 127.0.0.2 is rejected by the first line although the second would admit it: a shadowed rule for client "batch".
    private static readonly string[] HbaLines =
    [
        "host all app 127.0.0.2/32 reject",
        "host all all 127.0.0.0/8 scram-sha-256",
        "host all all ::1/128 scram-sha-256",
    ];

    private readonly PostgresCluster _cluster;
    private readonly BlackHoleListener _hole;
    private readonly int _refusedPort;

    private MetricFamilyTargets(PostgresCluster cluster, BlackHoleListener hole, int refusedPort)
    {
        _cluster = cluster;
        _hole = hole;
        _refusedPort = refusedPort;
    }

    public static async Task<MetricFamilyTargets> StartAsync(ClusterFixture fixture)
    {
        var cluster = await fixture.NewClusterAsync(new ClusterOptions { HbaLines = HbaLines });
        await cluster.CreateRoleAsync("app", AppPassword);
        await cluster.CreateRoleAsync(MonitorRole, MonitorPassword);
        // Every server check must be able to run here; which grants suffice is for the server checks' own tests.
        await cluster.ExecuteAsync($"ALTER ROLE {MonitorRole} SUPERUSER");
        await cluster.ExecuteAsync($"ALTER SYSTEM SET port = {cluster.Port + 1}");
        await cluster.ReloadAsync();
        await cluster.WriteHbaAsync([.. HbaLines, "host all all not-an-address scram-sha-256"]); // after the reload: not in force
        var hole = await BlackHoleListener.StartAsync(IPAddress.Loopback);
        return new MetricFamilyTargets(cluster, hole, FreePort.Allocate(IPAddress.Loopback));
    }

    /// <summary>Every target; the healthy one also with server-side monitoring, expected clients, its server log and the socket table.</summary>
    public object EveryFamilyConfig() => Config(EveryFamily());

    /// <summary>The same targets under a series profile (PgReach:SeriesProfile).</summary>
    public object EveryFamilyConfig(string seriesProfile) =>
        new { PgReach = new { Interval = "2s", SeriesProfile = seriesProfile, Targets = EveryFamily().Select(t => t.Where(kv => kv.Value is not null).ToDictionary()) } };

    private Dictionary<string, object?>[] EveryFamily()
    {
        var healthy = ClientSide("healthy", _cluster.Port, AppPassword);
        healthy["Monitoring"] = new Dictionary<string, object?>
        {
            ["Uri"] = $"postgresql://{MonitorRole}:{MonitorPassword}@127.0.0.1:{_cluster.Port}/postgres?sslmode=disable",
        };
        healthy["ExpectedClients"] = new object[]
        {
            new Dictionary<string, object?> { ["Name"] = "app", ["Address"] = "127.0.0.1", ["Database"] = "postgres", ["User"] = "app" },
            new Dictionary<string, object?> { ["Name"] = "batch", ["Address"] = "127.0.0.2", ["Database"] = "postgres", ["User"] = "app" },
        };
        healthy["LogPath"] = _cluster.LogDirectory + "/";
        healthy["LocalListener"] = true;
        var refused = ClientSide("refused", _refusedPort, null);
        refused["LocalListener"] = true;
        return [healthy, WrongPassword(), refused, BlackHole()];
    }

    public async ValueTask DisposeAsync()
    {
        await _hole.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    private Dictionary<string, object?> WrongPassword() => ClientSide("wrong-password", _cluster.Port, "not-the-password");

    private Dictionary<string, object?> BlackHole() => ClientSide("black-hole", _hole.Port, null);

    private static Dictionary<string, object?> ClientSide(string name, int port, string? password) =>
        Target(name, "127.0.0.1", port, password: password, interval: "1s", timeout: "500ms");
}

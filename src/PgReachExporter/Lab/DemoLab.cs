using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PgReachExporter.Lab;

/// <summary>
/// The demo lab: a handful of loopback clusters and sockets, each in one of the field guide's failure modes,
/// and the agent configuration that watches them. Everything it starts, it stops and removes on dispose.
/// </summary>
internal sealed class DemoLab : IAsyncDisposable
{
    public const string AppPassword = "demo-app-password";
    private const string Interval = "5s";
    private const string Timeout = "2s";

    /// <summary>The target whose cluster fails to bind once the agent watches its log.</summary>
    public const string BindFailureTarget = "bind-failure";

    private readonly List<IAsyncDisposable> _owned = [];
    private readonly string _root;
    private LabCluster? _failing;

    private DemoLab(string root) => _root = root;

    /// <summary>The targets file the agent runs with.</summary>
    public string ConfigFile => Path.Combine(_root, "targets.json");

    /// <summary>What each target shows, for the console.</summary>
    public IReadOnlyList<(string Target, string Scenario)> Scenarios { get; private set; } = [];

    public static async Task<DemoLab> StartAsync(PostgresBinaries binaries, Action<string> progress, CancellationToken cancellationToken)
    {
        var lab = new DemoLab(Path.Combine(Path.GetTempPath(), $"pgreach-demo-{Environment.ProcessId}"));
        try
        {
            await lab.BuildAsync(binaries, progress, cancellationToken).ConfigureAwait(false);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task BuildAsync(PostgresBinaries binaries, Action<string> progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_root);
        progress($"initdb (PostgreSQL {binaries.Version}) in {_root}");
        var main = await LabCluster.CreateAsync(binaries, Path.Combine(_root, "main"), FreePort(), template: null, cancellationToken).ConfigureAwait(false);
        _owned.Add(main);
        var brokenHba = await LabCluster.CreateAsync(binaries, Path.Combine(_root, "hba-broken"), FreePort(), main.DataDirectory, cancellationToken).ConfigureAwait(false);
        _owned.Add(brokenHba);
        _failing = await LabCluster.CreateAsync(binaries, Path.Combine(_root, "bind-failure"), FreePort(), main.DataDirectory, cancellationToken).ConfigureAwait(false);
        _owned.Add(_failing);

        progress("starting the clusters");
        await main.ConfigureAsync("127.0.0.1", [
            "host orders auditor 127.0.0.1/32 reject",
            "host orders app,auditor 127.0.0.1/32 scram-sha-256",
        ], cancellationToken).ConfigureAwait(false);
        await StartOrThrowAsync(main, cancellationToken).ConfigureAwait(false);
        foreach (var role in new[] { "app", "auditor", "reporting" })
        {
            await main.ExecuteAsync($"CREATE ROLE {role} LOGIN PASSWORD '{AppPassword}'", cancellationToken).ConfigureAwait(false);
        }

        await main.ExecuteAsync("CREATE DATABASE orders OWNER app", cancellationToken).ConfigureAwait(false);

        await brokenHba.ConfigureAsync("127.0.0.1", ["host all app 127.0.0.1/32 scram-sha-256"], cancellationToken).ConfigureAwait(false);
        await StartOrThrowAsync(brokenHba, cancellationToken).ConfigureAwait(false);
        await brokenHba.ExecuteAsync($"CREATE ROLE app LOGIN PASSWORD '{AppPassword}'", cancellationToken).ConfigureAwait(false);
        await brokenHba.ExecuteAsync("CREATE DATABASE orders OWNER app", cancellationToken).ConfigureAwait(false);
        // A malformed line: the reload fails and the server keeps enforcing the old rules.
        await brokenHba.WriteHbaAsync(["host all app 127.0.0.1/32 scram-sha-256", "host all all 127.0.0.1/33 scram-sha-256"], cancellationToken).ConfigureAwait(false);
        await brokenHba.ReloadAsync(cancellationToken).ConfigureAwait(false);

        // 192.0.2.1 (TEST-NET-1) is never on this host: binding it fails, and no packet is ever sent to it.
        await _failing.ConfigureAsync("192.0.2.1", ["host all all 127.0.0.1/32 scram-sha-256"], cancellationToken).ConfigureAwait(false);

        var hole = await BlackHoleListener.StartAsync(IPAddress.Loopback, cancellationToken: cancellationToken).ConfigureAwait(false);
        _owned.Add(hole);
        var nothing = FreePort();

        var targets = new List<JsonObject>
        {
            Target("healthy", "127.0.0.1", main, "app"),
            Target("localhost-only", "127.0.0.2", main, "app"),
            Target("nothing-listening", "127.0.0.1", port: nothing),
            Target("black-hole", "127.0.0.1", port: hole.Port),
            Target("no-hba-entry", "127.0.0.1", main, "reporting"),
            Target("reject-shadows-allow", "127.0.0.1", main, "auditor", expectedClient: true),
            Target("malformed-hba", "127.0.0.1", brokenHba, "app"),
            Target(BindFailureTarget, "127.0.0.1", _failing, "app"),
        };
        Scenarios =
        [
            ("healthy", "a healthy server"),
            ("localhost-only", "listen_addresses is localhost, reached from 127.0.0.2"),
            ("nothing-listening", "a port with nothing on it"),
            ("black-hole", "SYNs dropped (a listener whose backlog is full)"),
            ("no-hba-entry", "no pg_hba.conf line for the role"),
            ("reject-shadows-allow", "a reject line above the line that would allow the client"),
            ("malformed-hba", "a malformed pg_hba.conf line: the reload kept the old rules"),
            (BindFailureTarget, "the postmaster could not bind its address"),
        ];
        var config = new JsonObject
        {
            ["PgReach"] = new JsonObject { ["Interval"] = Interval, ["ConnectTimeout"] = Timeout, ["Targets"] = new JsonArray([.. targets]) },
        };
        await File.WriteAllTextAsync(ConfigFile, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Starts the cluster that cannot bind; called once the agent tails its log, so its failure is seen live.</summary>
    public async Task StartFailingClusterAsync(CancellationToken cancellationToken)
    {
        if (_failing is not null)
        {
            await _failing.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static JsonObject Target(string name, string host, LabCluster? cluster = null, string username = "app",
        int? port = null, bool expectedClient = false)
    {
        var target = new JsonObject
        {
            ["Name"] = name,
            ["Host"] = host,
            ["Port"] = port ?? cluster!.Port,
            ["Database"] = "orders",
            ["Username"] = username,
            ["Password"] = AppPassword,
            ["SslMode"] = "Disable",
        };
        if (cluster is not null)
        {
            target["Monitoring"] = new JsonObject { ["Uri"] = cluster.MonitoringUri };
            target["LogPath"] = Path.Combine(cluster.LogDirectory, "*.log");
            target["LocalListener"] = true;
        }

        if (expectedClient)
        {
            target["ExpectedClients"] = new JsonArray(new JsonObject
            {
                ["Name"] = username, ["Address"] = "127.0.0.1", ["Database"] = "orders", ["User"] = username, ["Type"] = "host",
            });
        }

        return target;
    }

    private static async Task StartOrThrowAsync(LabCluster cluster, CancellationToken cancellationToken)
    {
        if (!await cluster.StartAsync(cancellationToken).ConfigureAwait(false))
        {
            var log = File.Exists(cluster.PostmasterLog) ? await File.ReadAllTextAsync(cluster.PostmasterLog, cancellationToken).ConfigureAwait(false) : "";
            throw new InvalidOperationException($"The demo cluster in {cluster.Directory} did not start:\n{log}");
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            try
            {
                await _owned[i].DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or TimeoutException)
            {
                Console.Error.WriteLine($"demo: cleanup: {ex.Message}");
            }
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}

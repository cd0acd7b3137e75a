using System.Globalization;
using System.Net;
using System.Text;
using PgReachExporter.Configuration;

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster in its own directory under /tmp/pgreach-it-&lt;pid&gt;/, run as the
/// `postgres` OS user when the tests run as root. Disposing stops it and deletes its directory.
/// </summary>
/// <remarks>
/// Layout: <see cref="DataDirectory"/> (a copy of a per-run initdb template), <see cref="SocketDirectory"/>,
/// <see cref="LogDirectory"/>. The fixture's settings (addresses, port, socket, logging) live in
/// data/pgreach.conf, included at the end of postgresql.conf, so ALTER SYSTEM still overrides them and a
/// changed listen_addresses shows as a pending restart, as it would on a real server.
/// </remarks>
public sealed partial class PostgresCluster : IPostgresServer
{
    public const string Superuser = "postgres";

    /// <summary>Always the first pg_hba.conf line: the fixture's own superuser access over the Unix socket.</summary>
    public const string SuperuserHbaLine = "local all postgres trust";

    /// <summary>Name of the file pg_ctl sends the server's stderr to, before the logging collector takes over.</summary>
    public const string PostmasterLogName = "postmaster.log";

    private const string CollectorLogBaseName = "postgresql";
    private const int MaxPortAttempts = 3;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(45);

    private int _disposed;

    private PostgresCluster(PostgresBinaries binaries, ClusterOptions options, string directory)
    {
        Binaries = binaries;
        Options = options;
        ClusterDirectory = directory;
    }

    public PostgresBinaries Binaries { get; }

    public ClusterOptions Options { get; }

    public int Major => Binaries.Major;

    public string BinDir => Binaries.BinDir;

    public int Port { get; private set; }

    /// <summary>First listen address (wildcards mapped to loopback); the socket directory when TCP is off.</summary>
    public string Host => FirstListenAddress() switch
    {
        null => SocketDirectory,
        "*" or "0.0.0.0" => "127.0.0.1",
        "::" => "::1",
        var address => address,
    };

    /// <summary>The cluster's own directory, holding data/, sock/ and log/.</summary>
    public string ClusterDirectory { get; }

    public string DataDirectory => Path.Combine(ClusterDirectory, "data");

    public string SocketDirectory => Path.Combine(ClusterDirectory, "sock");

    public string LogDirectory => Path.Combine(ClusterDirectory, "log");

    public string HbaFilePath => Path.Combine(DataDirectory, "pg_hba.conf");

    public string ConfigFilePath => Path.Combine(DataDirectory, "postgresql.conf");

    /// <summary>Where the server's stderr goes before the logging collector starts (e.g. "could not bind" lines).</summary>
    public string PostmasterLogPath => Path.Combine(LogDirectory, PostmasterLogName);

    /// <summary>The file the logging collector writes in <see cref="ClusterOptions.LogFormat"/>.</summary>
    public string LogFilePath => Path.Combine(LogDirectory, CollectorLogBaseName + Options.LogFormat switch
    {
        "csvlog" => ".csv",
        "jsonlog" => ".json",
        _ => ".log",
    });

    /// <summary>The postmaster's process id from postmaster.pid, or null when there is none.</summary>
    public int? ProcessId => ReadPostmasterPid(DataDirectory);

    public bool IsRunning => ProcessId is { } pid && Posix.IsAlive(pid);

    /// <summary>Initialises (from the template), configures and starts a cluster.</summary>
    public static async Task<PostgresCluster> StartAsync(ClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ClusterOptions();
        options.Validate();
        var binaries = options.Major is { } major ? PostgresBinaries.ForMajor(major) : PostgresBinaries.Default;
        var template = await ClusterTemplates.GetAsync(binaries, cancellationToken).ConfigureAwait(false);

        var cluster = new PostgresCluster(binaries, options, ClusterWorkspace.NextClusterDirectory());
        ClusterWorkspace.Track(cluster);
        try
        {
            await cluster.CreateFilesAsync(template, cancellationToken).ConfigureAwait(false);
            await cluster.StartFirstTimeAsync(cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts a stopped cluster on the same port; waits until ready or throws with the log tail.</summary>
    public async Task StartServerAsync(bool waitForReady = true, CancellationToken cancellationToken = default)
    {
        var result = await PgCtlAsync(
            ["start", "-D", DataDirectory, "-l", PostmasterLogPath, "-w", "-t", ReadyTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)],
            cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded && waitForReady)
        {
            throw new InvalidOperationException(
                $"PostgreSQL {Binaries.Version} in {ClusterDirectory} did not become ready on port {Port}: {result.Describe()}\n" +
                $"--- server log (tail) ---\n{LogTail(40)}");
        }
    }

    /// <summary>Fast shutdown, then immediate, then SIGKILL; each step bounded.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        foreach (var mode in new[] { "fast", "immediate" })
        {
            if (!IsRunning)
            {
                return;
            }

            await PgCtlAsync(["stop", "-D", DataDirectory, "-m", mode, "-w", "-t", "15"], cancellationToken).ConfigureAwait(false);
        }

        KillNow();
    }

    public async Task RestartAsync(bool waitForReady = true, CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken).ConfigureAwait(false);
        await StartServerAsync(waitForReady, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Everything the server has logged so far: the postmaster's stderr first, then the collector's files.</summary>
    public string ReadLog()
    {
        if (!Directory.Exists(LogDirectory))
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var file in Directory.GetFiles(LogDirectory)
                     .OrderBy(f => Path.GetFileName(f) == PostmasterLogName ? 0 : 1)
                     .ThenBy(f => f, StringComparer.Ordinal))
        {
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                text.Append(reader.ReadToEnd());
            }
            catch (FileNotFoundException)
            {
                // removed since the listing (a retried start clears its postmaster log)
            }
        }

        return text.ToString();
    }

    /// <summary>Waits, bounded, until the log contains <paramref name="text"/>; returns the whole log.</summary>
    public async Task<string> WaitForLogAsync(string text, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                var log = ReadLog();
                if (log.Contains(text, StringComparison.Ordinal))
                {
                    return log;
                }

                await Task.Delay(50, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The log of {ClusterDirectory} did not show '{text}' in time.\n--- server log (tail) ---\n{LogTail(40)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException)
        {
            KillNow();
        }

        ClusterWorkspace.Untrack(this);
        try
        {
            DeleteClusterDirectory();
        }
        catch (IOException)
        {
            KillNow(); // something still wrote there; make sure nothing does, then try once more
            DeleteClusterDirectory();
        }
    }

    public override string ToString() => $"PostgreSQL {Binaries.Version} on {Host}:{Port} ({ClusterDirectory})";

    internal static int? ReadPostmasterPid(string dataDirectory)
    {
        try
        {
            var firstLine = File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).FirstOrDefault();
            return int.TryParse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Immediate shutdown of every given postmaster by SIGQUIT, then SIGKILL for any still alive after two
    /// seconds; synchronous so it can run at process exit.
    /// </summary>
    internal static void Kill(IReadOnlyCollection<int> postmasterPids)
    {
        foreach (var pid in postmasterPids)
        {
            Posix.Signal(pid, Posix.SigQuit);
        }

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(2) && postmasterPids.Any(Posix.IsAlive))
        {
            Thread.Sleep(20); // process-exit path: no async context to wait in
        }

        foreach (var pid in postmasterPids.Where(Posix.IsAlive))
        {
            Posix.Signal(pid, Posix.SigKill);
        }
    }

    internal void KillNow()
    {
        if (ProcessId is { } pid)
        {
            Kill([pid]);
        }
    }

    private void DeleteClusterDirectory()
    {
        if (Directory.Exists(ClusterDirectory))
        {
            Directory.Delete(ClusterDirectory, recursive: true);
        }
    }

    private async Task CreateFilesAsync(string template, CancellationToken cancellationToken)
    {
        await OsCommand.RunCheckedAsync("mkdir", ["-p", SocketDirectory, LogDirectory], CommandTimeout, asServerUser: true, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        await OsCommand.RunCheckedAsync("cp", ["-a", template, DataDirectory], CommandTimeout, asServerUser: true, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        await WriteHbaAsync(Options.HbaLines ?? ClusterOptions.DefaultHbaLines, cancellationToken).ConfigureAwait(false);
    }

    private async Task StartFirstTimeAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = Options.Port != 0 ? Options.Port : FreePort.Allocate(PortAllocationAddress());
            await File.WriteAllTextAsync(Path.Combine(DataDirectory, ClusterTemplates.FixtureConfigFile), FixtureSettings(), cancellationToken)
                .ConfigureAwait(false);
            try
            {
                await StartServerAsync(Options.WaitForReady, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (InvalidOperationException) when (Options.Port == 0 && attempt < MaxPortAttempts && ReadLog().Contains("Address already in use", StringComparison.Ordinal))
            {
                // Another process took the port between our probe and the server's bind; pick again.
                File.Delete(PostmasterLogPath);
            }
        }
    }

    private string FixtureSettings()
    {
        var settings = new List<KeyValuePair<string, string>>
        {
            new("listen_addresses", Options.ListenAddresses),
            new("port", Port.ToString(CultureInfo.InvariantCulture)),
            new("unix_socket_directories", SocketDirectory),
            new("unix_socket_permissions", "0777"),
            new("logging_collector", "on"),
            new("log_destination", Options.LogFormat),
            new("log_directory", LogDirectory),
            new("log_filename", CollectorLogBaseName + ".log"),
            new("log_file_mode", "0644"),
            new("log_rotation_age", "0"),
            new("log_rotation_size", "0"),
        };
        if (Options.MaxConnections is { } maxConnections)
        {
            settings.Add(new("max_connections", maxConnections.ToString(CultureInfo.InvariantCulture)));
        }

        settings.AddRange(Options.ExtraConfig);
        var text = new StringBuilder("# Written by the PgReachExporter integration-test fixture for this cluster.\n");
        foreach (var (name, value) in settings)
        {
            text.Append(name).Append(" = ").Append(SqlText.Literal(value)).Append('\n');
        }

        return text.ToString();
    }

    private string? FirstListenAddress() =>
        Options.ListenAddresses.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();

    private IPAddress PortAllocationAddress() =>
        IPAddress.TryParse(Host, out var address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any)
            ? address
            : IPAddress.Loopback;

    private Task<CommandResult> PgCtlAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        OsCommand.RunAsync(Binaries.PgCtl, arguments, CommandTimeout, asServerUser: true, libraryPath: Binaries.LibDir, cancellationToken: cancellationToken);

    private string LogTail(int lines)
    {
        var all = ReadLog().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}

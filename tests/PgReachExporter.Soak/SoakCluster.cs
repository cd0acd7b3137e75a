using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Npgsql;
using PgReachExporter.Lab;

namespace PgReachExporter.Soak;

/// <summary>
/// One PostgreSQL cluster of the soak on 127.0.0.1, copied from an initdb template and run as the server user; its
/// logging collector writes one file per start or rotation (postgresql-&lt;time&gt;.log), with a line per connection.
/// </summary>
internal sealed class SoakCluster : IAsyncDisposable
{
    public const string Superuser = "postgres";
    public const string AppRole = "soak_app";
    public const string NoHbaRole = "soak_nohba";
    public const string RejectedRole = "soak_rejected";
    private const int SigStop = 19;
    private const int SigCont = 18;
    private const int SigKill = 9;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly PostgresBinaries _binaries;
    private int _copies;

    private SoakCluster(PostgresBinaries binaries, string name, string directory, int port)
    {
        _binaries = binaries;
        Name = name;
        Directory = directory;
        Port = port;
    }

    public string Name { get; }
    public string Directory { get; }
    public int Port { get; }
    public string DataDirectory => Path.Combine(Directory, "data");
    public string SocketDirectory => Path.Combine(Directory, "sock");
    public string LogDirectory => Path.Combine(Directory, "log");

    /// <summary>The agent's LogPath: the newest file of the collector's glob.</summary>
    public string LogGlob => Path.Combine(LogDirectory, "postgresql-*.log");

    public string MonitoringUri => $"postgresql://{Superuser}@/postgres?host={Uri.EscapeDataString(SocketDirectory)}&port={Port}";

    public bool Paused { get; private set; }

    public int? PostmasterPid =>
        File.Exists(Path.Combine(DataDirectory, "postmaster.pid"))
        && int.TryParse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;

    /// <summary>An initdb'd data directory to copy, so that each cluster costs a copy rather than an initdb.</summary>
    public static async Task<string> CreateTemplateAsync(PostgresBinaries binaries, string root, CancellationToken cancellation)
    {
        var directory = Path.Combine(root, "template");
        await OwnedDirectoryAsync(directory, cancellation).ConfigureAwait(false);
        var data = Path.Combine(directory, "data");
        (await ServerCommand.RunAsync(binaries.Initdb, ["-D", data, "-U", Superuser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
            CommandTimeout, asServerUser: true, binaries.LibDir, cancellation).ConfigureAwait(false)).ThrowOnFailure();
        return data;
    }

    /// <summary>Copies the template, configures, starts the cluster and creates the soak's roles.</summary>
    public static async Task<SoakCluster> StartAsync(PostgresBinaries binaries, string template, string root, string name, string password, CancellationToken cancellation)
    {
        var cluster = new SoakCluster(binaries, name, Path.Combine(root, name), FreePort(IPAddress.Loopback));
        await OwnedDirectoryAsync(cluster.Directory, cancellation).ConfigureAwait(false);
        await AsServerUserAsync("cp", ["-a", template, cluster.DataDirectory], cancellation).ConfigureAwait(false);
        await AsServerUserAsync("mkdir", ["-p", cluster.SocketDirectory, cluster.LogDirectory], cancellation).ConfigureAwait(false);
        await File.AppendAllTextAsync(Path.Combine(cluster.DataDirectory, "postgresql.conf"), cluster.Settings(), cancellation).ConfigureAwait(false);
        // The app role logs in with a password; one role has no line at all and one is rejected: the two pg_hba refusals.
        await File.WriteAllLinesAsync(Path.Combine(cluster.DataDirectory, "pg_hba.conf"), [
            $"local all {Superuser} trust",
            $"host all {RejectedRole} 127.0.0.1/32 reject",
            $"host all {AppRole} 127.0.0.1/32 scram-sha-256",
        ], cancellation).ConfigureAwait(false);
        try
        {
            await cluster.StartServerAsync(cancellation).ConfigureAwait(false);
            foreach (var role in new[] { AppRole, NoHbaRole, RejectedRole })
            {
                await cluster.ExecuteAsync($"CREATE ROLE {role} LOGIN PASSWORD '{password}'", cancellation).ConfigureAwait(false);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private string Settings() => $"""

        # PgReachExporter soak
        listen_addresses = '127.0.0.1'
        port = {Port}
        unix_socket_directories = '{SocketDirectory}'
        password_encryption = 'scram-sha-256'
        fsync = off
        shared_buffers = 16MB
        max_connections = 40
        logging_collector = on
        log_directory = '{LogDirectory}'
        log_filename = 'postgresql-%Y%m%d-%H%M%S.log'
        log_rotation_age = 0
        log_rotation_size = 0
        log_connections = on

        """;

    public async Task StartServerAsync(CancellationToken cancellation) =>
        (await ServerCommand.RunAsync(_binaries.PgCtl, ["start", "-D", DataDirectory, "-l", Path.Combine(LogDirectory, "postmaster.log"), "-w", "-t", "30"],
            CommandTimeout, asServerUser: true, _binaries.LibDir, cancellation).ConfigureAwait(false)).ThrowOnFailure();

    public async Task RestartAsync(CancellationToken cancellation)
    {
        (await ServerCommand.RunAsync(_binaries.PgCtl, ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "30"],
            CommandTimeout, asServerUser: true, _binaries.LibDir, cancellation).ConfigureAwait(false)).ThrowOnFailure();
        await StartServerAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>SIGSTOP to the postmaster: the kernel still completes TCP handshakes, but nobody forks a backend.</summary>
    public void Pause()
    {
        if (PostmasterPid is { } pid && Kill(pid, SigStop) == 0)
        {
            Paused = true;
        }
    }

    public void Resume()
    {
        if (Paused && PostmasterPid is { } pid)
        {
            _ = Kill(pid, SigCont);
        }

        Paused = false;
    }

    public Task RotateLogAsync(CancellationToken cancellation) => ExecuteAsync("SELECT pg_rotate_logfile()", cancellation);

    /// <summary>Lines of our own in the server log, to see that the agent reads on.</summary>
    public async Task WriteLogLinesAsync(int count, string marker, CancellationToken cancellation)
    {
        for (var i = 0; i < count; i++)
        {
            await ExecuteAsync($"DO $$ BEGIN RAISE LOG 'soak marker {marker} {i}'; END $$", cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>logrotate's copytruncate: the newest log copied aside (out of the glob), then cut to zero in place.</summary>
    public string? CopyTruncateNewestLog()
    {
        var newest = new DirectoryInfo(LogDirectory).GetFiles("postgresql-*.log").OrderByDescending(f => f.LastWriteTimeUtc).FirstOrDefault();
        if (newest is null)
        {
            return null;
        }

        File.Copy(newest.FullName, $"{newest.FullName}.{++_copies}");
        using var file = new FileStream(newest.FullName, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        file.SetLength(0);
        return newest.Name;
    }

    public string NewestLogName() =>
        new DirectoryInfo(LogDirectory).GetFiles("postgresql-*.log").OrderByDescending(f => f.LastWriteTimeUtc).FirstOrDefault()?.Name ?? "";

    private async Task ExecuteAsync(string sql, CancellationToken cancellation)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = SocketDirectory, Port = Port, Username = Superuser, Database = "postgres", Pooling = false, Timeout = 10, CommandTimeout = 10,
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellation).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>Continues a paused postmaster, stops it (immediate, then SIGKILL), and leaves the directory to the caller.</summary>
    public async ValueTask DisposeAsync()
    {
        Resume();
        try
        {
            await ServerCommand.RunAsync(_binaries.PgCtl, ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "20"],
                CommandTimeout, asServerUser: true, _binaries.LibDir, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Killed below.
        }

        if (PostmasterPid is { } pid && File.Exists($"/proc/{pid}/stat"))
        {
            _ = Kill(pid, SigKill);
        }
    }

    private static async Task AsServerUserAsync(string program, IEnumerable<string> arguments, CancellationToken cancellation) =>
        (await ServerCommand.RunAsync(program, arguments, CommandTimeout, asServerUser: true, null, cancellation).ConfigureAwait(false)).ThrowOnFailure();

    /// <summary>A directory the server user owns, as initdb and postgres require when we are root.</summary>
    private static async Task OwnedDirectoryAsync(string path, CancellationToken cancellation)
    {
        System.IO.Directory.CreateDirectory(path);
        if (ServerCommand.IsRoot)
        {
            (await ServerCommand.RunAsync("chown", [$"{ServerCommand.ServerUser}:", path], CommandTimeout, false, null, cancellation).ConfigureAwait(false))
                .ThrowOnFailure();
        }
    }

    /// <summary>A port picked by the OS and released for the postmaster to bind.</summary>
    private static int FreePort(IPAddress address)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

using Npgsql;

namespace PgReachExporter.Lab;

/// <summary>
/// A throwaway PostgreSQL cluster of the demo lab: initdb'd as the server user, configured by file, started
/// and stopped with pg_ctl, and removed with its directory. Never bound to anything but loopback (or an
/// address the host does not have, which only makes the bind fail).
/// </summary>
internal sealed class LabCluster : IAsyncDisposable
{
    public const string Superuser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    private readonly PostgresBinaries _binaries;

    private LabCluster(PostgresBinaries binaries, string directory, int port)
    {
        _binaries = binaries;
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }
    public int Port { get; }
    public string DataDirectory => Path.Combine(Directory, "data");
    public string SocketDirectory => Path.Combine(Directory, "sock");
    public string LogDirectory => Path.Combine(Directory, "log");

    /// <summary>Where the postmaster writes before its logging collector runs, e.g. "could not bind" lines.</summary>
    public string PostmasterLog => Path.Combine(LogDirectory, "postmaster.log");

    public string HbaFile => Path.Combine(DataDirectory, "pg_hba.conf");

    /// <summary>Initialises a cluster into <paramref name="directory"/>, or copies <paramref name="template"/> when given.</summary>
    public static async Task<LabCluster> CreateAsync(PostgresBinaries binaries, string directory, int port, string? template, CancellationToken cancellationToken)
    {
        var cluster = new LabCluster(binaries, directory, port);
        await ServerUserDirectory.CreateAsync(directory, cancellationToken).ConfigureAwait(false);
        if (template is null)
        {
            await RunAsync(binaries.Initdb, ["-D", cluster.DataDirectory, "-U", Superuser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                binaries, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RunAsync("cp", ["-a", template, cluster.DataDirectory], binaries, cancellationToken).ConfigureAwait(false);
        }

        foreach (var dir in new[] { cluster.SocketDirectory, cluster.LogDirectory })
        {
            await RunAsync("mkdir", ["-p", dir], binaries, cancellationToken).ConfigureAwait(false);
        }

        return cluster;
    }

    /// <summary>Writes the lab's settings (appended last, so they win) and the pg_hba.conf lines.</summary>
    public async Task ConfigureAsync(string listenAddresses, IEnumerable<string> hbaLines, CancellationToken cancellationToken)
    {
        var settings = $"""

            # PgReachExporter demo lab
            listen_addresses = '{listenAddresses}'
            port = {Port}
            unix_socket_directories = '{SocketDirectory}'
            password_encryption = 'scram-sha-256'
            fsync = off
            logging_collector = on
            log_directory = '{LogDirectory}'
            log_filename = 'postgresql.log'
            log_connections = off

            """;
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), settings, cancellationToken).ConfigureAwait(false);
        await WriteHbaAsync(hbaLines, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces pg_hba.conf; the superuser keeps its Unix-socket access as the first line.</summary>
    public async Task WriteHbaAsync(IEnumerable<string> lines, CancellationToken cancellationToken)
    {
        string[] all = [$"local all {Superuser} trust", .. lines];
        await File.WriteAllLinesAsync(HbaFile, all, cancellationToken).ConfigureAwait(false);
        await RunAsync("chown", [$"{OsCommand.ServerUser}:", HbaFile], _binaries, cancellationToken, onlyAsRoot: true).ConfigureAwait(false);
    }

    /// <summary>Starts the server; returns false when it did not come up (as the bind-failure scenario intends).</summary>
    public async Task<bool> StartAsync(CancellationToken cancellationToken)
    {
        var result = await OsCommand.RunAsync(_binaries.PgCtl, ["start", "-D", DataDirectory, "-l", PostmasterLog, "-w", "-t", "30"],
            CommandTimeout, asServerUser: true, libraryPath: _binaries.LibDir, cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.Succeeded;
    }

    public Task ReloadAsync(CancellationToken cancellationToken) =>
        RunAsync(_binaries.PgCtl, ["reload", "-D", DataDirectory], _binaries, cancellationToken, asServerUser: true);

    /// <summary>Runs SQL as the superuser over the Unix socket.</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder { Host = SocketDirectory, Port = Port, Username = Superuser, Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A libpq URI of the superuser over the Unix socket, for the agent's monitoring connection.</summary>
    public string MonitoringUri => $"postgresql://{Superuser}@/postgres?host={Uri.EscapeDataString(SocketDirectory)}&port={Port}";

    public async ValueTask DisposeAsync()
    {
        await OsCommand.RunAsync(_binaries.PgCtl, ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "20"],
            CommandTimeout, asServerUser: true, libraryPath: _binaries.LibDir).ConfigureAwait(false);
    }

    private static async Task RunAsync(string program, IEnumerable<string> arguments, PostgresBinaries binaries, CancellationToken cancellationToken,
        bool asServerUser = true, bool onlyAsRoot = false)
    {
        if (onlyAsRoot && !Posix.IsRoot)
        {
            return;
        }

        await OsCommand.RunCheckedAsync(program, arguments, CommandTimeout, asServerUser: asServerUser && !onlyAsRoot, libraryPath: binaries.LibDir,
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Directories the PostgreSQL server user owns, as initdb and postgres require when we run as root.</summary>
internal static class ServerUserDirectory
{
    public static async Task CreateAsync(string path, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(path);
        if (Posix.IsRoot)
        {
            await OsCommand.RunCheckedAsync("chown", [$"{OsCommand.ServerUser}:", path], TimeSpan.FromSeconds(30), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            await OsCommand.RunCheckedAsync("chmod", ["755", path], TimeSpan.FromSeconds(30), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}

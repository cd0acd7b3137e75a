using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PgReachExporter.LoadHarness;

/// <summary>
/// A real PostgreSQL server on 127.0.0.1 for the open targets, so that a run measures real logins: a scram-sha-256
/// login that succeeds (<see cref="ScramUser"/>) and one that pg_hba.conf rejects (<see cref="RejectedUser"/>, which
/// no line matches). Its own cluster in a temporary directory, run as the postgres OS user when the harness is root
/// (initdb and postgres refuse root), stopped with the harness.
/// </summary>
internal sealed class RealPostgresServer : IAsyncDisposable
{
    public const string ScramUser = "pgreach_scram";
    public const string RejectedUser = "pgreach_load";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly string _binDirectory;
    private readonly string _directory;
    private bool _started;

    private RealPostgresServer(string binDirectory, string directory, int port, string passwordFile)
    {
        _binDirectory = binDirectory;
        _directory = directory;
        EndPoint = new IPEndPoint(IPAddress.Loopback, port);
        PasswordFile = passwordFile;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>A file holding <see cref="ScramUser"/>'s password, for the agent's PasswordFile.</summary>
    public string PasswordFile { get; }

    private string DataDirectory => Path.Combine(_directory, "data");

    public static async Task<RealPostgresServer> StartAsync(string binDirectory, string harnessDirectory, CancellationToken cancellation)
    {
        // Its own directory under /tmp (the harness's is private to root), owned by the server's OS user.
        var directory = Directory.CreateTempSubdirectory("pgreach-load-pg-").FullName;
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var passwordFile = Path.Combine(harnessDirectory, "scram-password");
        File.WriteAllText(passwordFile, password);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var server = new RealPostgresServer(binDirectory, directory, FreePort(), passwordFile);
        try
        {
            if (Environment.UserName == "root")
            {
                await RunAsync("chown", ["postgres:postgres", directory], cancellation).ConfigureAwait(false);
            }

            await server.RunAsServerUserAsync("initdb", ["-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"], cancellation).ConfigureAwait(false);
            await server.RunAsServerUserAsync("sh", ["-c",
                $"printf 'local all postgres trust\\nhost all {ScramUser} 127.0.0.1/32 scram-sha-256\\n' > '{server.DataDirectory}/pg_hba.conf'"], cancellation).ConfigureAwait(false);
            var settings = string.Join(' ',
                "-c listen_addresses=127.0.0.1", $"-c port={server.EndPoint.Port}", $"-c unix_socket_directories={directory}",
                "-c max_connections=300", "-c password_encryption=scram-sha-256", "-c fsync=off", "-c shared_buffers=32MB");
            await server.RunAsServerUserAsync("pg_ctl", ["-D", server.DataDirectory, "-l", Path.Combine(directory, "server.log"), "-o", settings, "-w", "-t", "60", "start"], cancellation).ConfigureAwait(false);
            server._started = true;
            // The statement goes in on stdin, so the password is on no command line (ps) and in no error message.
            await server.RunAsServerUserAsync("psql", ["-h", directory, "-p", server.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "-d", "postgres",
                "-v", "ON_ERROR_STOP=1", "-q"], cancellation, input: $"CREATE ROLE {ScramUser} LOGIN PASSWORD '{password}';\n").ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private Task RunAsServerUserAsync(string program, string[] arguments, CancellationToken cancellation, string? input = null)
    {
        var path = program is "sh" ? "/bin/sh" : Path.Combine(_binDirectory, program);
        return Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments], cancellation, input)
            : RunAsync(path, arguments, cancellation, input);
    }

    private static async Task RunAsync(string program, string[] arguments, CancellationToken cancellation, string? input = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null, UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), cancellation).ConfigureAwait(false);
            process.StandardInput.Close();
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(CommandTimeout);
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var errors = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {arguments.FirstOrDefault()} exited {process.ExitCode}: {(await errors.ConfigureAwait(false)).Trim()} {(await output.ConfigureAwait(false)).Trim()}");
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
        try
        {
            if (_started)
            {
                await RunAsServerUserAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

using Npgsql;

namespace PgReachExporter.Configuration;

/// <summary>
/// A target's monitoring connection: its own role and credentials, and optionally its own way in (such as a Unix
/// socket directory), since the probe's network path may be exactly what is broken.
/// </summary>
internal sealed record MonitoringDefinition
{
    /// <summary>The statement timeout when none is configured (at most half the interval).</summary>
    public static readonly TimeSpan DefaultStatementTimeout = TimeSpan.FromSeconds(5);
    public const string DefaultDatabase = "postgres";

    /// <summary>A host name, an IP address, or a Unix socket directory (starting with '/'); defaults to the target's host.</summary>
    public required string Host { get; init; }

    public required int Port { get; init; }
    public required string Database { get; init; }
    public required string Username { get; init; }
    public PasswordSource Password { get; init; } = PasswordSource.None;
    public SslMode SslMode { get; init; } = SslMode.Prefer;
    public required TimeSpan ConnectTimeout { get; init; }

    /// <summary>The server-side bound of every check query (statement_timeout); the client waits a little longer.</summary>
    public required TimeSpan StatementTimeout { get; init; }

    /// <summary>Read new lines of the server's current log file through the connection (needs pg_read_binary_file).</summary>
    public bool ReadServerLog { get; init; }

    public bool IsUnixSocket => Host.StartsWith('/');

    /// <summary>Where the monitoring connection goes, without credentials.</summary>
    public string Endpoint => IsUnixSocket
        ? $"{Host}/.s.PGSQL.{Port}"
        : Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    public override string ToString() => $"{Username}@{Endpoint}/{Database}";
}

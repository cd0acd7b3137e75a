using Npgsql;

namespace PgReachExporter.Configuration;

/// <summary>A validated PostgreSQL target: where to connect, as whom, and how often.</summary>
internal sealed record TargetDefinition
{
    public required string Name { get; init; }

    /// <summary>A host name, an IP address, or a Unix socket directory (starting with '/').</summary>
    public required string Host { get; init; }

    public required int Port { get; init; }
    public required string Database { get; init; }
    public required string Username { get; init; }
    public PasswordSource Password { get; init; } = PasswordSource.None;
    public SslMode SslMode { get; init; } = SslMode.Prefer;

    /// <summary>The TLS files and the TLS probe's switches (libpq's sslrootcert, sslcert, sslkey).</summary>
    public TlsDefinition Tls { get; init; } = TlsDefinition.Default;
    public required TimeSpan ConnectTimeout { get; init; }
    public required TimeSpan Interval { get; init; }

    /// <summary>The monitoring connection for the server-side checks; null: the target has no server-side series.</summary>
    public MonitoringDefinition? Monitoring { get; init; }

    /// <summary>Clients the target should admit, checked against the server's pg_hba rules over the monitoring connection.</summary>
    public ValueList<ExpectedClientDefinition> ExpectedClients { get; init; } = ValueList<ExpectedClientDefinition>.Empty;

    /// <summary>What the server should say about itself (port, major version, system identifier).</summary>
    public ExpectedIdentity Expect { get; init; } = ExpectedIdentity.None;
    /// <summary>The server log to follow: a file, a glob in the file name, or a directory; null when no log is read.</summary>
    public string? LogPath { get; init; }

    /// <summary>Format of the log at <see cref="LogPath"/>.</summary>
    public LogFormat LogFormat { get; init; } = LogFormat.Stderr;

    /// <summary>Read the listening-socket table: true always, false never, null when the host resolves to this machine only.</summary>
    public bool? LocalListener { get; init; }

    /// <summary>Read the socket table of this process's network namespace (/proc/PID/net) instead of the agent's own.</summary>
    public int? ListenerPid { get; init; }

    public bool IsUnixSocket => Host.StartsWith('/');

    /// <summary>The sslmode as libpq spells it (disable, allow, prefer, require, verify-ca, verify-full).</summary>
    public string SslModeName => SslModeNames.Name(SslMode);

    /// <summary>The client refuses to go on without TLS (require, verify-ca, verify-full).</summary>
    public bool RequiresTls => SslMode is SslMode.Require or SslMode.VerifyCA or SslMode.VerifyFull;

    /// <summary>Where the client connects, without credentials: safe for logs and pages.</summary>
    public string Endpoint => IsUnixSocket
        ? $"{Host}/.s.PGSQL.{Port}"
        : Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    public override string ToString() => $"{Name} ({Username}@{Endpoint}/{Database})";
}

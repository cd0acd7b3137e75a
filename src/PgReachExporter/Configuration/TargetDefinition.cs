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
    public required TimeSpan ConnectTimeout { get; init; }
    public required TimeSpan Interval { get; init; }

    /// <summary>The monitoring connection for the server-side checks; null: the target has no server-side series.</summary>
    public MonitoringDefinition? Monitoring { get; init; }

    /// <summary>Clients the target should admit, checked against the server's pg_hba rules over the monitoring connection.</summary>
    public ValueList<ExpectedClientDefinition> ExpectedClients { get; init; } = ValueList<ExpectedClientDefinition>.Empty;

    /// <summary>What the server should say about itself (port, major version, system identifier).</summary>
    public ExpectedIdentity Expect { get; init; } = ExpectedIdentity.None;

    public bool IsUnixSocket => Host.StartsWith('/');

    /// <summary>Where the client connects, without credentials: safe for logs and pages.</summary>
    public string Endpoint => IsUnixSocket
        ? $"{Host}/.s.PGSQL.{Port}"
        : Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    public override string ToString() => $"{Name} ({Username}@{Endpoint}/{Database})";
}

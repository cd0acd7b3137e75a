using System.Collections.Immutable;

namespace PgReachExporter.Diagnosis;

/// <summary>
/// What the server's host shows: its log since the last postmaster start and its table of listening sockets.
/// Only available when the agent can read them (same host or a shipped log); every part is optional.
/// </summary>
internal sealed record HostEvidence
{
    /// <summary>When the provider read this evidence; stale evidence is ignored by the engine.</summary>
    public required DateTimeOffset CollectedAt { get; init; }

    /// <summary>Log events since the last postmaster start, by event name (<see cref="HostLogEvents"/>); absent means none seen.</summary>
    public ImmutableDictionary<string, long> LogEventsSinceStart { get; init; } = ImmutableDictionary<string, long>.Empty;

    /// <summary>When each event was last logged, by event name.</summary>
    public ImmutableDictionary<string, DateTimeOffset> LastEventTimes { get; init; } = ImmutableDictionary<string, DateTimeOffset>.Empty;

    /// <summary>Addresses that failed to bind at the last start, when the log says which; may be empty while the counts are not.</summary>
    public ImmutableArray<LogBindFailure> BindFailures { get; init; } = [];

    /// <summary>True when the log said "could not bind IPv6 address" at the last start.</summary>
    public bool CouldNotBindIpv6 { get; init; }

    /// <summary>Addresses the postmaster said it listens on at the last start ("listening on IPv4 address ..."); null or empty when not known.</summary>
    public ImmutableArray<HostSocket>? LogListening { get; init; }

    /// <summary>
    /// Listening TCP sockets from the host's socket table (/proc/net/tcp, tcp6): at least those on the target's port and
    /// those owned by PostgreSQL processes on any port; null when the server is not on this host.
    /// </summary>
    public ImmutableArray<HostSocket>? SocketTable { get; init; }

    /// <summary>How many times an event was logged since the last start.</summary>
    public long Count(string logEvent) => LogEventsSinceStart.GetValueOrDefault(logEvent);
}

/// <summary>A bound TCP socket: address as text ("0.0.0.0", "::", "127.0.0.1"), port, and owning process when known.</summary>
internal sealed record HostSocket(string Address, int Port, string? Process = null)
{
    public override string ToString()
    {
        var endpoint = Address.Contains(':') ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
        return Process is null ? endpoint : $"{endpoint} ({Process})";
    }
}

/// <summary>One "could not bind" at the last start: the address family ("ipv4"/"ipv6"), the address if logged, and the reason.</summary>
internal sealed record LogBindFailure(string Family, string? Address, string? Reason);

/// <summary>The server-log event names the engine reads from <see cref="HostEvidence.LogEventsSinceStart"/>.</summary>
internal static class HostLogEvents
{
    /// <summary>"could not bind IPv4/IPv6 address ...".</summary>
    public const string CouldNotBind = "could_not_bind";

    /// <summary>"could not create any TCP/IP sockets" or "could not create listen socket for ...".</summary>
    public const string NoListenSocket = "no_listen_socket";
}

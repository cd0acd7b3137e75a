using System.Net.Sockets;

namespace PgReachExporter.HostSignals;

/// <summary>Why a bind failed, from the error text PostgreSQL appends.</summary>
internal enum BindFailureReason
{
    /// <summary>EADDRINUSE: another process (often another postmaster) holds the address and port.</summary>
    AddressInUse,

    /// <summary>EADDRNOTAVAIL: the address is not one of this machine's (or IPv6 is off).</summary>
    AddressNotAvailable,

    /// <summary>Any other error (socket() or listen() failed, permission, ...).</summary>
    Other,
}

/// <summary>Where a log line stands in the postmaster's life; used to group "listening" lines by start.</summary>
internal enum PostmasterPhase
{
    None,
    Starting,
    Ready,
    ShutDown,
}

/// <summary>An event recognised in one log record, with the listener details the line names.</summary>
/// <param name="Event">The event.</param>
/// <param name="Family">InterNetwork, InterNetworkV6 or Unix for Listening and CouldNotBind.</param>
/// <param name="Address">The address as the server wrote it (never a client address).</param>
/// <param name="Port">The port, for Listening.</param>
/// <param name="BindFailure">The reason, for CouldNotBind.</param>
internal sealed record LogEventMatch(
    LogEvent Event,
    AddressFamily? Family = null,
    string? Address = null,
    int? Port = null,
    BindFailureReason? BindFailure = null);

using System.Net.Sockets;
using PgReachExporter.Observations;

namespace PgReachExporter.HostSignals;

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

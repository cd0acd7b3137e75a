using System.Collections.Immutable;
using System.Net.Sockets;

namespace PgReachExporter.Observations;

/// <summary>How often one event was seen and when last.</summary>
internal readonly record struct LogEventTally(long Count, DateTimeOffset? LastAt);

/// <summary>An address the postmaster reported listening on.</summary>
internal sealed record ListeningAddress(AddressFamily Family, string Address, int Port);

/// <summary>An address the postmaster failed to bind, and why.</summary>
internal sealed record BindFailure(AddressFamily Family, string? Address, BindFailureReason Reason);

/// <summary>What one target's server log has said so far; immutable, safe to read from any thread.</summary>
/// <param name="Lines">Complete lines fed in.</param>
/// <param name="Records">Log records parsed from them.</param>
/// <param name="Malformed">Lines or records that did not parse as the configured format.</param>
/// <param name="Events">A tally for every <see cref="LogEvent"/>, zero when never seen.</param>
/// <param name="Listening">Addresses bound at the latest postmaster start seen in the log.</param>
/// <param name="BindFailures">Addresses that failed to bind at that start.</param>
/// <param name="LastStartAt">When that start was logged, if a start was seen.</param>
internal sealed record LogEventSnapshot(
    long Lines,
    long Records,
    long Malformed,
    ImmutableDictionary<LogEvent, LogEventTally> Events,
    IReadOnlyList<ListeningAddress> Listening,
    IReadOnlyList<BindFailure> BindFailures,
    DateTimeOffset? LastStartAt)
{
    /// <summary>Every event's count since <see cref="LastStartAt"/> (since reading began when no start was seen).</summary>
    public ImmutableDictionary<LogEvent, long> SinceStart { get; init; } = ImmutableDictionary<LogEvent, long>.Empty;

    /// <summary>When each event seen since <see cref="LastStartAt"/> was last logged (history included).</summary>
    public ImmutableDictionary<LogEvent, DateTimeOffset> LastSinceStart { get; init; } = ImmutableDictionary<LogEvent, DateTimeOffset>.Empty;
}

namespace PgReachExporter.Observations;

/// <summary>A target's server log as read so far: what it said and how the reading goes.</summary>
/// <param name="Source">What is read (a path or glob), for messages.</param>
/// <param name="Events">Event counts, the latest start's listeners and bind failures.</param>
/// <param name="Health">The reader's own health.</param>
internal sealed record ServerLogObservation(string Source, LogEventSnapshot Events, LogTailerHealth Health);

/// <summary>Everything the host showed about one target, collected after one of its probe cycles.</summary>
/// <param name="CollectedAt">When it was put together.</param>
/// <param name="Log">The server log; null when the target reads none.</param>
/// <param name="Listener">The listening-socket table on the target's port; null when it is not read for this target.</param>
internal sealed record HostObservation(DateTimeOffset CollectedAt, ServerLogObservation? Log, ListenerObservation? Listener);

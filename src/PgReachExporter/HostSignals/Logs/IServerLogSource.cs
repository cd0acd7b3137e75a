using PgReachExporter.Configuration;
using PgReachExporter.Observations;

namespace PgReachExporter.HostSignals;

/// <summary>
/// Where a target's server log lines come from. <see cref="LogTailer"/> follows a file on this machine; a reader
/// of the log through the monitoring connection (pg_read_file on the server's current log file) is meant to
/// implement the same contract, so counting, metrics and diagnosis stay as they are.
/// </summary>
internal interface IServerLogSource
{
    /// <summary>What is read, for the agent's own log (a path or a description; never credentials).</summary>
    string Description { get; }

    /// <summary>
    /// Complete lines in batches, in log order, until cancelled; starts at the end of what exists already.
    /// Expected failures (missing, unreadable) show in <see cref="Health"/> and are retried, never thrown.
    /// </summary>
    IAsyncEnumerable<LogLineBatch> ReadBatchesAsync(CancellationToken cancellationToken);

    /// <summary>The reader's own health; safe to call from any thread.</summary>
    LogTailerHealth Health();
}

/// <summary>Chooses the log source of a target, or none.</summary>
internal interface IServerLogSourceFactory
{
    /// <summary>The target's log source; null when the target reads no log.</summary>
    IServerLogSource? Create(TargetDefinition target);
}

using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;

namespace PgReachExporter.Scheduling;

/// <summary>Receives what the host shows about each target (server log, socket table). Must be fast and never throw.</summary>
internal interface IHostSignalSink
{
    void TargetAdded(TargetDefinition target);

    /// <summary>After each batch of log lines: the counts so far and the reader's health.</summary>
    void LogObserved(TargetDefinition target, ServerLogObservation log);

    /// <summary>
    /// After each probe cycle of the target, before its verdict: the log as above (so reader errors show while no line
    /// comes) and the socket table if it was read.
    /// </summary>
    void HostObserved(TargetDefinition target, HostObservation host);

    void TargetRemoved(string target);
}

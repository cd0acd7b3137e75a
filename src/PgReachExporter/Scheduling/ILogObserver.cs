using PgReachExporter.Configuration;
using PgReachExporter.Observations;

namespace PgReachExporter.Scheduling;

/// <summary>Receives each batch's worth of a target's server log as it is read, between cycles. Must be fast and never throw.</summary>
internal interface ILogObserver
{
    /// <summary>After each batch of log lines: the counts so far and the reader's health.</summary>
    void LogObserved(TargetDefinition target, ServerLogObservation log);
}

using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Diagnosis;

/// <summary>
/// Stores each target's host evidence after every probe cycle, just before its verdict; a target whose host shows
/// nothing gets null, so old evidence never lingers. The target's entry is dropped by <see cref="VerdictTracker"/>.
/// </summary>
internal sealed class HostEvidenceRecorder(EvidenceStore evidence) : IHostSignalSink
{
    public void TargetAdded(TargetDefinition target)
    {
    }

    public void LogObserved(TargetDefinition target, ServerLogObservation log)
    {
    }

    public void HostObserved(TargetDefinition target, HostObservation host) => evidence.UpdateHost(target.Name, HostEvidenceMapper.From(host));

    public void TargetRemoved(string target)
    {
    }
}

using PgReachExporter.Configuration;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.Scheduling;

/// <summary>Receives every completed probe cycle and the comings and goings of targets. Must be fast and never throw.</summary>
internal interface ICycleSink
{
    void TargetAdded(TargetDefinition target);

    void CycleCompleted(TargetDefinition target, TargetCycle cycle);

    void TargetRemoved(string target);
}

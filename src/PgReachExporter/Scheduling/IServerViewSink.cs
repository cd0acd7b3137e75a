using PgReachExporter.Configuration;
using PgReachExporter.Observations;
using PgReachExporter.Probes.ServerChecks;

namespace PgReachExporter.Scheduling;

/// <summary>Receives every server view and the comings and goings of monitored targets. Must be fast and never throw.</summary>
internal interface IServerViewSink
{
    /// <summary>A target with a monitoring connection starts being checked.</summary>
    void TargetAdded(TargetDefinition target);

    void ViewCompleted(TargetDefinition target, ServerView view);

    /// <summary>A target stops being checked: removed, changed, or its monitoring connection taken out of the configuration.</summary>
    void TargetRemoved(string target);
}

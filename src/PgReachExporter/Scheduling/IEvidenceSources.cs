using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;

namespace PgReachExporter.Scheduling;

/// <summary>The pipeline's host stage: the server log and the socket table as seen after a probe cycle.</summary>
internal interface IHostEvidenceSource
{
    void TargetAdded(TargetDefinition target);

    /// <summary>What the host shows for the target now; null when it shows nothing (no log read, no table read).</summary>
    ValueTask<HostObservation?> GatherAsync(TargetDefinition target, TargetCycle cycle, CancellationToken stopping);

    void TargetRemoved(string target);
}

/// <summary>The pipeline's server stage: what the server says about itself over the monitoring connection.</summary>
internal interface IServerEvidenceSource
{
    void TargetAdded(TargetDefinition target);

    /// <summary>The latest server evidence; null when the target has no monitoring connection or it is down.</summary>
    ValueTask<ServerEvidence?> GatherAsync(TargetDefinition target, CancellationToken stopping);

    void TargetRemoved(string target);
}

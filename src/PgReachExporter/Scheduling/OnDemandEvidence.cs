using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;

namespace PgReachExporter.Scheduling;

/// <summary>
/// The host and server stages of a /probe cycle. For a configured target they are the agent's own view (the server
/// log and socket table as read so far, the latest server view), looked up under the target as configured; a target
/// probed through a module is not the agent's, so it has neither. A request never starts or stops the agent's sources.
/// </summary>
internal sealed class OnDemandEvidence(TargetDefinition? configured, IHostEvidenceSource agentHost, IServerEvidenceSource agentServer)
    : IHostEvidenceSource, IServerEvidenceSource
{
    void IHostEvidenceSource.TargetAdded(TargetDefinition target)
    {
    }

    public ValueTask<HostObservation?> GatherAsync(TargetDefinition target, TargetCycle cycle, CancellationToken stopping) =>
        configured is null ? ValueTask.FromResult<HostObservation?>(null) : agentHost.GatherAsync(configured, cycle, stopping);

    void IHostEvidenceSource.TargetRemoved(string target)
    {
    }

    void IServerEvidenceSource.TargetAdded(TargetDefinition target)
    {
    }

    public ValueTask<ServerEvidence?> GatherAsync(TargetDefinition target, CancellationToken stopping) =>
        configured is null ? ValueTask.FromResult<ServerEvidence?>(null) : agentServer.GatherAsync(configured, stopping);

    void IServerEvidenceSource.TargetRemoved(string target)
    {
    }
}

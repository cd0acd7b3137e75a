using System.Collections.Concurrent;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;

namespace PgReachExporter.Scheduling;

/// <summary>
/// The latest server evidence of every monitored target, written by the server-view loop and read by the pipeline's
/// server stage after each probe cycle. A view without a connection stores null rather than leaving old evidence
/// behind; the engine also ignores evidence older than a few intervals.
/// </summary>
internal sealed class ServerEvidenceStore : IServerEvidenceSource
{
    private readonly ConcurrentDictionary<string, ServerEvidence?> _targets = new(StringComparer.Ordinal);

    public void Update(string target, ServerEvidence? evidence) => _targets[target] = evidence;

    public ServerEvidence? Get(string target) => _targets.GetValueOrDefault(target);

    public void Remove(string target) => _targets.TryRemove(target, out _);

    // The server-view loop has its own lifecycle; the probe pipeline only reads.
    void IServerEvidenceSource.TargetAdded(TargetDefinition target)
    {
    }

    ValueTask<ServerEvidence?> IServerEvidenceSource.GatherAsync(TargetDefinition target, CancellationToken stopping) => ValueTask.FromResult(Get(target.Name));

    void IServerEvidenceSource.TargetRemoved(string target)
    {
    }
}

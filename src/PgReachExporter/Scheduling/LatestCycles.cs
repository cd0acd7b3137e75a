using System.Collections.Concurrent;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.Scheduling;

/// <summary>The latest cycle of every current target, for pages and the JSON API.</summary>
internal sealed class LatestCycles : ICycleSink
{
    private readonly ConcurrentDictionary<string, TargetState> _targets = new(StringComparer.Ordinal);

    public IReadOnlyCollection<TargetState> Snapshot() => [.. _targets.Values.OrderBy(t => t.Target.Name, StringComparer.Ordinal)];

    public TargetState? Find(string name) => _targets.GetValueOrDefault(name);

    public void TargetAdded(TargetDefinition target) => _targets[target.Name] = new TargetState(target, null);

    public void CycleCompleted(TargetDefinition target, TargetCycle cycle) => _targets[target.Name] = new TargetState(target, cycle);

    public void TargetRemoved(string target) => _targets.TryRemove(target, out _);
}

/// <summary>A target and its latest completed cycle (null until the first one completes).</summary>
internal sealed record TargetState(TargetDefinition Target, TargetCycle? LastCycle);

using System.Collections.Concurrent;

namespace PgReachExporter.Diagnosis;

/// <summary>
/// The latest server and host evidence and the expectations of every target, put here by their providers and read by
/// the diagnosis after each probe cycle. A provider that can no longer read its evidence stores null rather than
/// leaving old evidence behind; the engine also ignores evidence older than a few intervals.
/// </summary>
internal sealed class EvidenceStore
{
    private readonly ConcurrentDictionary<string, TargetEvidence> _targets = new(StringComparer.Ordinal);

    public void UpdateServer(string target, ServerEvidence? evidence) =>
        _targets.AddOrUpdate(target, _ => TargetEvidence.None with { Server = evidence }, (_, e) => e with { Server = evidence });

    public void UpdateHost(string target, HostEvidence? evidence) =>
        _targets.AddOrUpdate(target, _ => TargetEvidence.None with { Host = evidence }, (_, e) => e with { Host = evidence });

    public void SetExpectations(string target, TargetExpectations? expectations) =>
        _targets.AddOrUpdate(target, _ => TargetEvidence.None with { Expectations = expectations }, (_, e) => e with { Expectations = expectations });

    public TargetEvidence Get(string target) => _targets.GetValueOrDefault(target) ?? TargetEvidence.None;

    public void Remove(string target) => _targets.TryRemove(target, out _);
}

/// <summary>What is stored for one target; every part may be missing.</summary>
internal sealed record TargetEvidence(ServerEvidence? Server, HostEvidence? Host, TargetExpectations? Expectations)
{
    public static readonly TargetEvidence None = new(null, null, null);
}

using System.Collections.Concurrent;
using System.Collections.Immutable;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;

namespace PgReachExporter.Scheduling;

/// <summary>
/// Remembers every target's latest verdict (drawn by the pipeline's verdict stage), since when it holds and how often it
/// changed. A verdict changes when reachability or the set of causes changes; new evidence or another severity for
/// the same causes is the same verdict. No hysteresis: a cause appears and clears with the cycle that shows it.
/// </summary>
internal sealed class VerdictTracker(IEnumerable<IVerdictSink> sinks) : ICycleOutput
{
    private readonly IVerdictSink[] _sinks = [.. sinks];
    private readonly ConcurrentDictionary<string, TargetDiagnosis> _targets = new(StringComparer.Ordinal);

    /// <summary>Every current target by name, with its latest verdict (null until its first cycle completes).</summary>
    public IReadOnlyList<TargetDiagnosis> Snapshot() => [.. _targets.Values.OrderBy(t => t.Target.Name, StringComparer.Ordinal)];

    public TargetDiagnosis? Find(string target) => _targets.GetValueOrDefault(target);

    public void TargetAdded(TargetDefinition target)
    {
        _targets[target.Name] = new TargetDiagnosis(target, null, null, null, 0);
        foreach (var sink in _sinks)
        {
            sink.TargetAdded(target);
        }
    }

    public void CycleCompleted(CycleRecord record)
    {
        if (record.Verdict is not { } verdict)
        {
            // The verdict stage failed (logged and counted there): the last verdict stands rather than a guess.
            return;
        }

        var (target, cycle) = (record.Target, record.Cycle);
        var previous = _targets.GetValueOrDefault(target.Name);
        verdict = VerdictSharing.Share(previous?.Verdict, verdict);
        var changed = previous?.Verdict is { } last && !SameVerdict(last, verdict);
        var current = new TargetDiagnosis(
            target,
            verdict,
            previous?.Verdict is null || changed ? cycle.StartedAt : previous.Since,
            cycle,
            (previous?.Changes ?? 0) + (changed ? 1 : 0));
        _targets[target.Name] = current;
        foreach (var sink in _sinks)
        {
            sink.VerdictUpdated(current, previous?.Verdict, changed);
        }
    }

    /// <summary>The target's loop failed and is being restarted: pages show the target in state error until a cycle completes.</summary>
    public void LoopFailed(string target, string problem)
    {
        if (_targets.TryGetValue(target, out var current))
        {
            _targets[target] = current with { LoopError = problem };
        }
    }

    public void TargetRemoved(string target)
    {
        _targets.TryRemove(target, out _);
        foreach (var sink in _sinks)
        {
            sink.TargetRemoved(target);
        }
    }

    /// <summary>Same reachability and the same set of causes.</summary>
    public static bool SameVerdict(Verdict a, Verdict b)
    {
        // Every cycle of every target: the few causes are compared without building sets.
        if (a.Reachable != b.Reachable)
        {
            return false;
        }

        foreach (var finding in a.Findings)
        {
            if (!Contains(b.Findings, finding.Cause))
            {
                return false;
            }
        }

        foreach (var finding in b.Findings)
        {
            if (!Contains(a.Findings, finding.Cause))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Contains(ImmutableArray<Finding> findings, DiagnosisCause cause)
    {
        foreach (var finding in findings)
        {
            if (finding.Cause == cause)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A target, its latest verdict, since when that verdict holds, the cycle it came from and how often it changed.</summary>
internal sealed record TargetDiagnosis(TargetDefinition Target, Verdict? Verdict, DateTimeOffset? Since, TargetCycle? LastCycle, long Changes)
{
    public DateTimeOffset? LastProbe => LastCycle?.StartedAt;

    /// <summary>Why the target's loop failed, while it is being restarted; null once a cycle completes again.</summary>
    public string? LoopError { get; init; }
}

/// <summary>Receives every verdict; must be fast and never throw.</summary>
internal interface IVerdictSink
{
    void TargetAdded(TargetDefinition target);

    /// <param name="previous">The target's verdict before this one; null for its first.</param>
    /// <param name="changed">Whether the verdict changed (never for the first).</param>
    void VerdictUpdated(TargetDiagnosis current, Verdict? previous, bool changed);

    void TargetRemoved(string target);
}

using System.Collections.Concurrent;
using Prometheus;

namespace PgReachExporter.Metrics;

/// <summary>
/// A prometheus-net family with labels beyond "target" (first), indexed by target: a target's series are found and
/// removed without scanning the family, which at 10,000 targets holds every target's (removing a fleet scanned each
/// family once per removed target: 77 s for 10,000). Writes go through <see cref="WithLabels"/> and removals through
/// this type, never around it, so the index stays that of the family.
/// </summary>
internal sealed class PerTargetFamily<TChild>(Collector<TChild> family)
    where TChild : ChildBase
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string[], byte>> _byTarget = new(StringComparer.Ordinal);

    public string Name => family.Name;

    /// <summary>The series of a label set ("target" first), created if needed.</summary>
    public TChild WithLabels(params string[] labels)
    {
        var child = family.WithLabels(labels);
        _byTarget.GetOrAdd(labels[0], static _ => new ConcurrentDictionary<string[], byte>(LabelValuesComparer.Instance)).TryAdd(labels, 0);
        return child;
    }

    public void RemoveLabelled(params string[] labels)
    {
        family.RemoveLabelled(labels);
        if (_byTarget.TryGetValue(labels[0], out var series))
        {
            series.TryRemove(labels, out _);
        }
    }

    /// <summary>Removes the series of one target whose label values match.</summary>
    public void RemoveWhere(string target, Func<string[], bool> match)
    {
        if (!_byTarget.TryGetValue(target, out var series))
        {
            return;
        }

        foreach (var labels in series.Keys)
        {
            if (match(labels))
            {
                family.RemoveLabelled(labels);
                series.TryRemove(labels, out _);
            }
        }
    }

    /// <summary>Removes every series of a target.</summary>
    public void RemoveTarget(string target)
    {
        if (_byTarget.TryRemove(target, out var series))
        {
            foreach (var labels in series.Keys)
            {
                family.RemoveLabelled(labels);
            }
        }
    }

    /// <summary>The label sets of one target's series (tests and the status of removal).</summary>
    public IReadOnlyCollection<string[]> LabelSetsOf(string target) =>
        _byTarget.TryGetValue(target, out var series) ? [.. series.Keys] : [];
}

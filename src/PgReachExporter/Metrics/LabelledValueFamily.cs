using System.Collections.Concurrent;
using Prometheus;

namespace PgReachExporter.Metrics;

/// <summary>
/// A gauge or counter family with labels after "target" (first), written by the agent itself: per target a small
/// array of its series (label values and a value), so that a target's series are found and removed without scanning
/// the family, and are written together in the order they were first written. prometheus-net's child for the same
/// series holds its label values a second time, pre-encoded, in an object of about 400 bytes; the address, cause and
/// listener families give a target about five such series (15 MB at 10,000 targets in a heap dump,
/// docs/performance.md). Written as prometheus-net writes a gauge or counter.
/// </summary>
internal sealed class LabelledValueFamily : IExposedFamily
{
    private readonly string[] _labelNames;
    private readonly bool _counter;
    private readonly ConcurrentDictionary<string, TargetSeries> _byTarget = new(StringComparer.Ordinal);

    private LabelledValueFamily(string name, string help, IReadOnlyList<string> labelNames, bool counter)
    {
        if (labelNames is not ["target", _, ..])
        {
            throw new ArgumentException($"{name}: the first label is target and at least one follows it", nameof(labelNames));
        }

        if (counter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Counter {name} must end in _total", nameof(name));
        }

        Name = name;
        Help = help;
        _labelNames = [.. labelNames];
        _counter = counter;
    }

    public static LabelledValueFamily Gauge(string name, string help, IReadOnlyList<string> labelNames) => new(name, help, labelNames, counter: false);

    public static LabelledValueFamily Counter(string name, string help, IReadOnlyList<string> labelNames) => new(name, help, labelNames, counter: true);

    public string Name { get; }

    public string Help { get; }

    public bool Accumulates => _counter;

    /// <summary>The series of a label set ("target" first), created at 0 when it is first written.</summary>
    public Child WithLabels(params string[] labels)
    {
        if (labels.Length != _labelNames.Length)
        {
            throw new ArgumentException($"{Name} takes {_labelNames.Length} label values, got {labels.Length}", nameof(labels));
        }

        return new(this, labels);
    }

    /// <summary>The current value of a label set, or null when it has no series.</summary>
    public double? Get(params string[] labels) =>
        _byTarget.TryGetValue(labels[0], out var series) && series.Find(labels) is { } entry ? Volatile.Read(ref entry.Value) : null;

    public void RemoveLabelled(params string[] labels)
    {
        if (_byTarget.TryGetValue(labels[0], out var series))
        {
            series.RemoveWhere(known => LabelValuesComparer.Instance.Equals(known, labels));
        }
    }

    /// <summary>Removes the series of one target whose label values match.</summary>
    public void RemoveWhere(string target, Func<string[], bool> match)
    {
        if (_byTarget.TryGetValue(target, out var series))
        {
            series.RemoveWhere(match);
        }
    }

    public void RemoveWhere(Func<IReadOnlyList<string>, bool> match)
    {
        foreach (var (_, series) in _byTarget)
        {
            series.RemoveWhere(match);
        }
    }

    /// <summary>Removes every series of a target.</summary>
    public void RemoveTarget(string target) => _byTarget.TryRemove(target, out _);

    /// <summary>The label sets of one target's series, in the order they were first written.</summary>
    public IReadOnlyCollection<string[]> LabelSetsOf(string target) =>
        _byTarget.TryGetValue(target, out var series) ? [.. series.Entries.Select(e => e.Labels)] : [];

    public async ValueTask WriteAsync(ExpositionWriter writer, CancellationToken cancel)
    {
        // OpenMetrics names a counter family without its _total suffix; its samples keep it.
        var family = _counter && writer.Format == ExpositionFormat.OpenMetricsText ? Name[..^"_total".Length] : Name;
        await writer.WriteFamilyHeaderAsync(family, Help, _counter ? "counter" : "gauge", cancel).ConfigureAwait(false);
        foreach (var (_, series) in _byTarget)
        {
            foreach (var entry in series.Entries)
            {
                await writer.ReserveAsync(ExpositionWriter.MaxSeriesPrefixBytes(Name, _labelNames, entry.Labels) + ExpositionWriter.MaxValueLineBytes, cancel).ConfigureAwait(false);
                writer.WriteSeriesPrefix(Name, _labelNames, entry.Labels);
                writer.WriteValueLine(Volatile.Read(ref entry.Value));
            }
        }
    }

    private Entry Series(string[] labels) => _byTarget.GetOrAdd(labels[0], static _ => new TargetSeries()).FindOrAdd(labels);

    /// <summary>One series: its label values and its value.</summary>
    private sealed class Entry(string[] labels)
    {
        public readonly string[] Labels = labels;
        public double Value;
    }

    /// <summary>One target's series: a small array, replaced (not changed) under a lock, so a writer reads it without one.</summary>
    private sealed class TargetSeries
    {
        private readonly Lock _gate = new();
        private Entry[] _entries = [];

        public Entry[] Entries => Volatile.Read(ref _entries);

        public Entry? Find(string[] labels)
        {
            foreach (var entry in Entries)
            {
                if (LabelValuesComparer.Instance.Equals(entry.Labels, labels))
                {
                    return entry;
                }
            }

            return null;
        }

        public Entry FindOrAdd(string[] labels)
        {
            if (Find(labels) is { } found)
            {
                return found;
            }

            lock (_gate)
            {
                if (Find(labels) is { } added)
                {
                    return added;
                }

                var entry = new Entry(labels);
                Volatile.Write(ref _entries, [.. _entries, entry]);
                return entry;
            }
        }

        public void RemoveWhere(Func<string[], bool> match)
        {
            lock (_gate)
            {
                if (_entries.Any(e => match(e.Labels)))
                {
                    Volatile.Write(ref _entries, [.. _entries.Where(e => !match(e.Labels))]);
                }
            }
        }
    }

    /// <summary>One series, as prometheus-net's child: Set for a gauge; Inc and IncTo for a counter.</summary>
    public readonly struct Child(LabelledValueFamily family, string[] labels)
    {
        public void Set(double value)
        {
            if (family._counter)
            {
                throw new InvalidOperationException($"{family.Name} is a counter: use Inc or IncTo");
            }

            Volatile.Write(ref family.Series(labels).Value, value);
        }

        public void Inc(double amount = 1)
        {
            CounterValue.RequireIncrement(family.Name, family._counter, amount);
            CounterValue.Add(ref family.Series(labels).Value, amount);
        }

        /// <summary>Raises the counter to <paramref name="total"/> (a running total read elsewhere); never lowers it.</summary>
        public void IncTo(double total)
        {
            CounterValue.RequireIncrement(family.Name, family._counter, total);
            CounterValue.RaiseTo(ref family.Series(labels).Value, total);
        }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Prometheus;

namespace PgReachExporter.Metrics;

/// <summary>
/// A gauge or counter family with labels after "target" (first), written by the agent itself: per series the label
/// values and a boxed value, indexed by target so that a target's series are found and removed without scanning the
/// family. prometheus-net's child for the same series holds its label values a second time, pre-encoded, in an object
/// of about 400 bytes; the address, cause and listener families give a target about five such series (15 MB at 10,000
/// targets in a heap dump, docs/performance.md). Written as prometheus-net writes a gauge or counter.
/// </summary>
internal sealed class LabelledValueFamily : IExposedFamily
{
    private readonly string[] _labelNames;
    private readonly bool _counter;
    private readonly ConcurrentDictionary<string[], StrongBox<double>> _series = new(LabelValuesComparer.Instance);
    private readonly TargetLabelSets _byTarget = new();

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

    public IReadOnlyList<string> LabelNames => _labelNames;

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
    public double? Get(params string[] labels) => _series.TryGetValue(labels, out var box) ? Volatile.Read(ref box.Value) : null;

    public void RemoveLabelled(params string[] labels)
    {
        _series.TryRemove(labels, out _);
        _byTarget.Remove(labels);
    }

    /// <summary>Removes the series of one target whose label values match.</summary>
    public void RemoveWhere(string target, Func<string[], bool> match)
    {
        foreach (var labels in _byTarget.Of(target))
        {
            if (match(labels))
            {
                RemoveLabelled(labels);
            }
        }
    }

    public void RemoveWhere(Func<IReadOnlyList<string>, bool> match)
    {
        foreach (var labels in _series.Keys)
        {
            if (match(labels))
            {
                RemoveLabelled(labels);
            }
        }
    }

    /// <summary>Removes every series of a target.</summary>
    public void RemoveTarget(string target)
    {
        foreach (var labels in _byTarget.Of(target, forget: true))
        {
            _series.TryRemove(labels, out _);
        }
    }

    /// <summary>The label sets of one target's series.</summary>
    public IReadOnlyCollection<string[]> LabelSetsOf(string target) => _byTarget.Of(target);

    public async ValueTask WriteAsync(ExpositionWriter writer, CancellationToken cancel)
    {
        // OpenMetrics names a counter family without its _total suffix; its samples keep it.
        var family = _counter && writer.Format == ExpositionFormat.OpenMetricsText ? Name[..^"_total".Length] : Name;
        await writer.WriteFamilyHeaderAsync(family, Help, _counter ? "counter" : "gauge", cancel).ConfigureAwait(false);
        foreach (var (labels, box) in _series)
        {
            await writer.ReserveAsync(ExpositionWriter.MaxSeriesPrefixBytes(Name, _labelNames, labels) + ExpositionWriter.MaxValueLineBytes, cancel).ConfigureAwait(false);
            writer.WriteSeriesPrefix(Name, _labelNames, labels);
            writer.WriteValueLine(Volatile.Read(ref box.Value));
        }
    }

    private StrongBox<double> Box(string[] labels)
    {
        if (_series.TryGetValue(labels, out var box))
        {
            return box;
        }

        // The index first: a series is never in the family without its target knowing it (RemoveTarget finds it).
        _byTarget.Add(labels);
        return _series.GetOrAdd(labels, static _ => new StrongBox<double>(0));
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

            Volatile.Write(ref family.Box(labels).Value, value);
        }

        public void Inc(double amount = 1)
        {
            CheckCounter(amount);
            var box = family.Box(labels);
            double seen, next;
            do
            {
                seen = Volatile.Read(ref box.Value);
                next = seen + amount;
            }
            while (Interlocked.CompareExchange(ref box.Value, next, seen) != seen);
        }

        /// <summary>Raises the counter to <paramref name="total"/> (a running total read elsewhere); never lowers it.</summary>
        public void IncTo(double total)
        {
            CheckCounter(total);
            var box = family.Box(labels);
            double seen;
            do
            {
                seen = Volatile.Read(ref box.Value);
                if (total <= seen)
                {
                    return;
                }
            }
            while (Interlocked.CompareExchange(ref box.Value, total, seen) != seen);
        }

        private void CheckCounter(double amount)
        {
            if (!family._counter || amount < 0 || double.IsNaN(amount))
            {
                throw new InvalidOperationException($"{family.Name}: Inc({amount.ToString(CultureInfo.InvariantCulture)}) is for a counter and a non-negative amount");
            }
        }
    }
}

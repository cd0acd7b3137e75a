using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Prometheus;

namespace PgReachExporter.Metrics;

/// <summary>
/// A family with one value per target and no other label (pgreach_up, the per-cycle durations and timestamps), written
/// by the agent itself: a value and a dictionary entry per target instead of a prometheus-net child of about 500 bytes
/// with its pre-encoded labels. Every target holds about ten of these, so at 10,000 targets this is tens of megabytes
/// and a faster /metrics (docs/performance.md). Written as prometheus-net writes a gauge or counter.
/// </summary>
internal sealed class TargetValueFamily : IExposedFamily
{
    private static readonly string[] TargetLabel = ["target"];

    private readonly ConcurrentDictionary<string, StrongBox<double>> _values = new(StringComparer.Ordinal);
    private readonly bool _counter;

    private TargetValueFamily(string name, string help, bool counter)
    {
        if (counter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Counter {name} must end in _total", nameof(name));
        }

        Name = name;
        Help = help;
        _counter = counter;
    }

    public static TargetValueFamily Gauge(string name, string help) => new(name, help, counter: false);

    public static TargetValueFamily Counter(string name, string help) => new(name, help, counter: true);

    public string Name { get; }

    public string Help { get; }

    public bool Accumulates => _counter;

    /// <summary>The series of one target, created at 0 when it is first written.</summary>
    public Child WithLabels(string target) => new(this, target);

    /// <summary>The current value of a target, or null when it has no series.</summary>
    public double? Get(string target) => _values.TryGetValue(target, out var box) ? Volatile.Read(ref box.Value) : null;

    public void RemoveLabelled(string target) => _values.TryRemove(target, out _);

    public void RemoveTarget(string target) => _values.TryRemove(target, out _);

    public void RemoveWhere(Func<IReadOnlyList<string>, bool> match)
    {
        foreach (var target in _values.Keys)
        {
            if (match([target]))
            {
                _values.TryRemove(target, out _);
            }
        }
    }

    public async ValueTask WriteAsync(ExpositionWriter writer, CancellationToken cancel)
    {
        // OpenMetrics names a counter family without its _total suffix; its samples keep it.
        var family = _counter && writer.Format == ExpositionFormat.OpenMetricsText ? Name[..^"_total".Length] : Name;
        await writer.WriteFamilyHeaderAsync(family, Help, _counter ? "counter" : "gauge", cancel).ConfigureAwait(false);
        foreach (var (target, box) in _values)
        {
            string[] labels = [target];
            await writer.ReserveAsync(ExpositionWriter.MaxSeriesPrefixBytes(Name, TargetLabel, labels) + ExpositionWriter.MaxValueLineBytes, cancel).ConfigureAwait(false);
            writer.WriteSeriesPrefix(Name, TargetLabel, labels);
            writer.WriteValueLine(Volatile.Read(ref box.Value));
        }
    }

    private StrongBox<double> Box(string target) => _values.GetOrAdd(target, static _ => new StrongBox<double>(0));

    /// <summary>One target's series, as prometheus-net's child: Set for a gauge, Inc for a counter.</summary>
    public readonly struct Child(TargetValueFamily family, string target)
    {
        public void Set(double value)
        {
            if (family._counter)
            {
                throw new InvalidOperationException($"{family.Name} is a counter: use Inc");
            }

            Volatile.Write(ref family.Box(target).Value, value);
        }

        public void Inc(double amount = 1)
        {
            CounterValue.RequireIncrement(family.Name, family._counter, amount);
            CounterValue.Add(ref family.Box(target).Value, amount);
        }
    }
}

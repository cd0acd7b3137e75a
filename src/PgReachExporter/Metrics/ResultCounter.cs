using System.Collections.Concurrent;
using System.Text;
using Prometheus;

namespace PgReachExporter.Metrics;

/// <summary>
/// A counter family with one series per value of a closed set (a probe result) for each label set, stored as one
/// array of counts per label set and written into /metrics by the agent, like <see cref="OneHotGauge{T}"/> and for the
/// same reason: prometheus-net's child objects cost about 500 bytes per series. A value's series exists once it was
/// counted or <see cref="Touch"/>ed, so a family can start every value at 0 or show only the values seen.
/// </summary>
/// <remarks>The value label comes last, after the leading labels.</remarks>
internal sealed class ResultCounter<T> : IExposedFamily
    where T : struct, Enum
{
    private readonly ConcurrentDictionary<string[], long[]> _counts = new(LabelValuesComparer.Instance);
    private readonly string[] _leadingLabelNames;
    private readonly T[] _values;
    private readonly byte[][] _suffixes;

    public ResultCounter(string name, string help, IReadOnlyList<string> leadingLabelNames, string valueLabelName, IReadOnlyList<T> values, Func<T, string> label)
    {
        if (!name.EndsWith("_total", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Counter {name} must end in _total", nameof(name));
        }

        Name = name;
        Help = help;
        _leadingLabelNames = [.. leadingLabelNames];
        _values = [.. values];
        var open = _leadingLabelNames.Length == 0 ? "{" : ",";
        _suffixes = [.. _values.Select(v => Encoding.UTF8.GetBytes($"{open}{valueLabelName}=\"{ExpositionWriter.EscapeLabelValue(label(v))}\"}} "))];
    }

    public string Name { get; }

    public string Help { get; }

    /// <summary>Adds one to a value's series, creating it if needed.</summary>
    public void Inc(T value, params string[] leadingLabels) => Add(value, leadingLabels, 1);

    /// <summary>Makes sure every value has a series (at 0 if it was never counted).</summary>
    public void Touch(params string[] leadingLabels)
    {
        foreach (var value in _values)
        {
            Add(value, leadingLabels, 0);
        }
    }

    /// <summary>The count of a value, or null when it has no series.</summary>
    public long? Get(T value, params string[] leadingLabels)
    {
        if (!_counts.TryGetValue(leadingLabels, out var counts))
        {
            return null;
        }

        var count = Interlocked.Read(ref counts[IndexOf(value)]);
        return count < 0 ? null : count;
    }

    /// <summary>Drops the series of every label set whose leading label values match.</summary>
    public void RemoveWhere(Func<IReadOnlyList<string>, bool> match)
    {
        foreach (var labels in _counts.Keys)
        {
            if (match(labels))
            {
                _counts.TryRemove(labels, out _);
            }
        }
    }

    public async ValueTask WriteAsync(ExpositionWriter writer, CancellationToken cancel)
    {
        // OpenMetrics names the family without its _total suffix; its samples keep it.
        var openMetrics = writer.Format == ExpositionFormat.OpenMetricsText;
        await writer.WriteFamilyHeaderAsync(openMetrics ? Name[..^"_total".Length] : Name, Help, "counter", cancel).ConfigureAwait(false);
        foreach (var (labels, counts) in _counts)
        {
            for (var i = 0; i < _values.Length; i++)
            {
                var count = Interlocked.Read(ref counts[i]);
                if (count < 0)
                {
                    continue;
                }

                await writer.ReserveAsync(
                    ExpositionWriter.MaxSeriesPrefixBytes(Name, _leadingLabelNames, labels) + _suffixes[i].Length + ExpositionWriter.MaxCountLineBytes, cancel)
                    .ConfigureAwait(false);
                writer.WriteSeriesPrefix(Name, _leadingLabelNames, labels);
                writer.WriteRaw(_suffixes[i]);
                writer.WriteCountLine(count);
            }
        }
    }

    private void Add(T value, string[] leadingLabels, long amount)
    {
        if (leadingLabels.Length != _leadingLabelNames.Length)
        {
            throw new ArgumentException($"{Name} takes {_leadingLabelNames.Length} leading label values, got {leadingLabels.Length}", nameof(leadingLabels));
        }

        var counts = _counts.GetOrAdd(leadingLabels, _ => NewCounts());
        ref var slot = ref counts[IndexOf(value)];
        // -1 marks a value without a series: the first Add turns it into the amount, later ones add to it.
        var seen = Interlocked.Read(ref slot);
        while (true)
        {
            var next = seen < 0 ? amount : seen + amount;
            var found = Interlocked.CompareExchange(ref slot, next, seen);
            if (found == seen)
            {
                return;
            }

            seen = found;
        }
    }

    private long[] NewCounts()
    {
        var counts = new long[_values.Length];
        Array.Fill(counts, -1);
        return counts;
    }

    private int IndexOf(T value) => Array.IndexOf(_values, value);
}

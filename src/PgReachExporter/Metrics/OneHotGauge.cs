using System.Collections.Concurrent;
using System.Text;

namespace PgReachExporter.Metrics;

/// <summary>
/// A one-hot gauge family over a closed set of values: for every label set, 1 for the current value and 0 for each
/// other value. It stores only the current value per label set and spells out the zeros when /metrics is written.
/// prometheus-net keeps a child object of about 500 bytes per series; as children, the 20 login results and 6 TCP
/// results cost about 13 MB at 1,000 targets for what is one number per target and address (docs/performance.md).
/// </summary>
/// <remarks>The value label comes last, after the leading labels given to <see cref="Set"/>.</remarks>
internal sealed class OneHotGauge<T> : IExposedFamily
    where T : struct, Enum
{
    private readonly ConcurrentDictionary<string[], T> _current = new(LabelValuesComparer.Instance);
    private readonly string[] _leadingLabelNames;
    private readonly T[] _values;
    private readonly byte[][] _oneSuffixes;
    private readonly byte[][] _zeroSuffixes;

    public OneHotGauge(string name, string help, IReadOnlyList<string> leadingLabelNames, string valueLabelName, IReadOnlyList<T> values, Func<T, string> label)
    {
        Name = name;
        Help = help;
        _leadingLabelNames = [.. leadingLabelNames];
        _values = [.. values];
        // Each series line ends in `,result="refused"} 0` (or `{result=...` without leading labels): fixed per value.
        var open = _leadingLabelNames.Length == 0 ? "{" : ",";
        _oneSuffixes = [.. _values.Select(v => Encoding.UTF8.GetBytes($"{open}{valueLabelName}=\"{ExpositionWriter.EscapeLabelValue(label(v))}\"}} 1\n"))];
        _zeroSuffixes = [.. _values.Select(v => Encoding.UTF8.GetBytes($"{open}{valueLabelName}=\"{ExpositionWriter.EscapeLabelValue(label(v))}\"}} 0\n"))];
    }

    public string Name { get; }

    public string Help { get; }

    /// <summary>Sets the current value of one label set; the other values of the set read 0.</summary>
    public void Set(T current, params string[] leadingLabels)
    {
        if (leadingLabels.Length != _leadingLabelNames.Length)
        {
            throw new ArgumentException($"{Name} takes {_leadingLabelNames.Length} leading label values, got {leadingLabels.Length}", nameof(leadingLabels));
        }

        _current[leadingLabels] = current;
    }

    /// <summary>The current value of a label set, or null when it has no series.</summary>
    public T? Get(params string[] leadingLabels) => _current.TryGetValue(leadingLabels, out var value) ? value : null;

    /// <summary>Drops the series of every label set whose leading label values match.</summary>
    public void RemoveWhere(Func<IReadOnlyList<string>, bool> match)
    {
        foreach (var labels in _current.Keys)
        {
            if (match(labels))
            {
                _current.TryRemove(labels, out _);
            }
        }
    }

    public async ValueTask WriteAsync(ExpositionWriter writer, CancellationToken cancel)
    {
        await writer.WriteFamilyHeaderAsync(Name, Help, "gauge", cancel).ConfigureAwait(false);
        foreach (var (labels, current) in _current)
        {
            for (var i = 0; i < _values.Length; i++)
            {
                var isCurrent = EqualityComparer<T>.Default.Equals(_values[i], current);
                var suffix = isCurrent ? _oneSuffixes[i] : _zeroSuffixes[i];
                await writer.ReserveAsync(ExpositionWriter.MaxSeriesPrefixBytes(Name, _leadingLabelNames, labels) + suffix.Length, cancel).ConfigureAwait(false);
                writer.WriteSeriesPrefix(Name, _leadingLabelNames, labels);
                writer.WriteRaw(suffix);
            }
        }
    }
}

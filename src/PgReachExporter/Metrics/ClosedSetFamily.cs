using System.Collections.Concurrent;
using System.Text;

namespace PgReachExporter.Metrics;

/// <summary>
/// What the agent-written families share: per label set (the leading labels, "target" first) one state covering
/// every value of a closed set, such as the probe results, which becomes the last label of each series line.
/// prometheus-net keeps a child object of about 500 bytes per series; a state per label set costs a fraction of
/// that for the 20 login and 6 TCP results of each target (docs/performance.md).
/// </summary>
internal abstract class ClosedSetFamily<T, TState> : IExposedFamily
    where T : struct, Enum
{
    private readonly string[] _leadingLabelNames;
    private readonly string _valueLabelName;
    private readonly Func<T, string> _label;

    protected ClosedSetFamily(string name, string help, IReadOnlyList<string> leadingLabelNames, string valueLabelName, IReadOnlyList<T> values, Func<T, string> label)
    {
        Name = name;
        Help = help;
        _leadingLabelNames = [.. leadingLabelNames];
        _valueLabelName = valueLabelName;
        _label = label;
        Values = [.. values];
    }

    public string Name { get; }

    public string Help { get; }

    /// <summary>The closed set, in the order its series are written.</summary>
    protected T[] Values { get; }

    protected ConcurrentDictionary<string[], TState> Series { get; } = new(LabelValuesComparer.Instance);

    // With leading labels after "target", each target's label sets, so that removing a target never scans the others'.
    private readonly TargetLabelSets _byTarget = new();

    public void RemoveWhere(Func<IReadOnlyList<string>, bool> match)
    {
        foreach (var labels in Series.Keys)
        {
            if (match(labels))
            {
                Remove(labels);
            }
        }
    }

    /// <summary>Drops the series of one target whose leading label values match.</summary>
    public void RemoveWhere(string target, Func<IReadOnlyList<string>, bool> match)
    {
        foreach (var labels in LabelSetsOf(target))
        {
            if (match(labels))
            {
                Remove(labels);
            }
        }
    }

    public void RemoveTarget(string target)
    {
        foreach (var labels in LabelSetsOf(target, forget: true))
        {
            Series.TryRemove(labels, out _);
        }
    }

    private string[][] LabelSetsOf(string target, bool forget = false) => _leadingLabelNames.Length == 1
        ? [[target]]
        : _byTarget.Of(target, forget);

    private void Remove(string[] labels)
    {
        Series.TryRemove(labels, out _);
        if (_leadingLabelNames.Length > 1)
        {
            _byTarget.Remove(labels);
        }
    }

    public abstract ValueTask WriteAsync(ExpositionWriter writer, CancellationToken cancel);

    /// <summary>The end of a series line from its value label on, e.g. `,result="refused"} ` + <paramref name="tail"/>, encoded once.</summary>
    protected byte[] ValueLabelBytes(T value, string tail) => Encoding.UTF8.GetBytes(
        $"{(_leadingLabelNames.Length == 0 ? "{" : ",")}{_valueLabelName}=\"{ExpositionWriter.EscapeLabelValue(_label(value))}\"}} {tail}");

    /// <summary>Refuses a label set of the wrong length, naming the family.</summary>
    /// <remarks>Also notes the label set under its target, for <see cref="RemoveTarget"/>: call it on every write.</remarks>
    protected string[] Checked(string[] leadingLabels)
    {
        if (leadingLabels.Length != _leadingLabelNames.Length)
        {
            throw new ArgumentException($"{Name} takes {_leadingLabelNames.Length} leading label values, got {leadingLabels.Length}", nameof(leadingLabels));
        }

        if (leadingLabels.Length > 1)
        {
            _byTarget.Add(leadingLabels);
        }

        return leadingLabels;
    }

    /// <summary>
    /// Makes room in the writer for <paramref name="lines"/> lines of one label set, each ending in at most
    /// <paramref name="maxEndBytes"/> bytes, so that they can then be written with <see cref="WriteLine"/> in one go.
    /// </summary>
    protected ValueTask ReserveLinesAsync(ExpositionWriter writer, string[] labels, int lines, int maxEndBytes, CancellationToken cancel) =>
        writer.ReserveAsync(lines * (ExpositionWriter.MaxSeriesPrefixBytes(Name, _leadingLabelNames, labels) + maxEndBytes), cancel);

    /// <summary>Writes `name{leading labels`, then <paramref name="end"/> and <paramref name="count"/> if given.</summary>
    protected void WriteLine(ExpositionWriter writer, string[] labels, byte[] end, long? count)
    {
        writer.WriteSeriesPrefix(Name, _leadingLabelNames, labels);
        writer.WriteRaw(end);
        if (count is { } value)
        {
            writer.WriteCountLine(value);
        }
    }
}

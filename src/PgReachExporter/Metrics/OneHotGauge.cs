namespace PgReachExporter.Metrics;

/// <summary>
/// A one-hot gauge family over a closed set of values: for every label set, 1 for the current value and 0 for each
/// other value. It stores only the current value per label set and spells out the zeros when /metrics is written.
/// </summary>
/// <remarks>The value label comes last, after the leading labels given to <see cref="Set"/>.</remarks>
internal sealed class OneHotGauge<T> : ClosedSetFamily<T, T>
    where T : struct, Enum
{
    private readonly byte[][] _ones;
    private readonly byte[][] _zeros;
    private readonly int _maxEndBytes;

    public OneHotGauge(string name, string help, IReadOnlyList<string> leadingLabelNames, string valueLabelName, IReadOnlyList<T> values, Func<T, string> label)
        : base(name, help, leadingLabelNames, valueLabelName, values, label)
    {
        _ones = [.. Values.Select(v => ValueLabelBytes(v, "1\n"))];
        _zeros = [.. Values.Select(v => ValueLabelBytes(v, "0\n"))];
        _maxEndBytes = _ones.Max(end => end.Length);
    }

    /// <summary>Sets the current value of one label set; the other values of the set read 0.</summary>
    public void Set(T current, params string[] leadingLabels) => Series[Checked(leadingLabels)] = current;

    /// <summary>The current value of a label set, or null when it has no series.</summary>
    public T? Get(params string[] leadingLabels) => Series.TryGetValue(leadingLabels, out var value) ? value : null;

    public override async ValueTask WriteAsync(ExpositionWriter writer, CancellationToken cancel)
    {
        await writer.WriteFamilyHeaderAsync(Name, Help, "gauge", cancel).ConfigureAwait(false);
        foreach (var (labels, current) in Series)
        {
            await ReserveLinesAsync(writer, labels, Values.Length, _maxEndBytes, cancel).ConfigureAwait(false);
            for (var i = 0; i < Values.Length; i++)
            {
                WriteLine(writer, labels, EqualityComparer<T>.Default.Equals(Values[i], current) ? _ones[i] : _zeros[i], count: null);
            }
        }
    }
}

using Prometheus;

namespace PgReachExporter.Metrics;

/// <summary>
/// A counter family with one series per value of a closed set (a probe result) for each label set, stored as one
/// array of counts per label set. A value's series exists once it was counted or <see cref="Touch"/>ed, so a family
/// can start every value at 0 or show only the values seen.
/// </summary>
/// <remarks>The value label comes last, after the leading labels.</remarks>
internal sealed class ResultCounter<T> : ClosedSetFamily<T, long[]>, IExposedFamily
    where T : struct, Enum
{
    private readonly byte[][] _labelEnds;
    private readonly int _maxEndBytes;

    public ResultCounter(string name, string help, IReadOnlyList<string> leadingLabelNames, string valueLabelName, IReadOnlyList<T> values, Func<T, string> label)
        : base(name, help, leadingLabelNames, valueLabelName, values, label)
    {
        if (!name.EndsWith("_total", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Counter {name} must end in _total", nameof(name));
        }

        _labelEnds = [.. Values.Select(v => ValueLabelBytes(v, ""))];
        _maxEndBytes = _labelEnds.Max(end => end.Length) + ExpositionWriter.MaxCountLineBytes;
    }

    public bool Accumulates => true;

    /// <summary>Adds one to a value's series, creating it if needed.</summary>
    public void Inc(T value, params string[] leadingLabels) => Add(value, leadingLabels, 1);

    /// <summary>Makes sure every value has a series (at 0 if it was never counted).</summary>
    public void Touch(params string[] leadingLabels)
    {
        foreach (var value in Values)
        {
            Add(value, leadingLabels, 0);
        }
    }

    /// <summary>Makes sure one value has a series (at 0 if it was never counted).</summary>
    public void Touch(T value, params string[] leadingLabels) => Add(value, leadingLabels, 0);

    /// <summary>The count of a value, or null when it has no series.</summary>
    public long? Get(T value, params string[] leadingLabels)
    {
        if (!Series.TryGetValue(leadingLabels, out var counts))
        {
            return null;
        }

        var count = Interlocked.Read(ref counts[Array.IndexOf(Values, value)]);
        return count < 0 ? null : count;
    }

    public override async ValueTask WriteAsync(ExpositionWriter writer, CancellationToken cancel)
    {
        // OpenMetrics names the family without its _total suffix; its samples keep it.
        var family = writer.Format == ExpositionFormat.OpenMetricsText ? Name[..^"_total".Length] : Name;
        await writer.WriteFamilyHeaderAsync(family, Help, "counter", cancel).ConfigureAwait(false);
        foreach (var (labels, counts) in Series)
        {
            await ReserveLinesAsync(writer, labels, Values.Length, _maxEndBytes, cancel).ConfigureAwait(false);
            for (var i = 0; i < Values.Length; i++)
            {
                var count = Interlocked.Read(ref counts[i]);
                if (count >= 0)
                {
                    WriteLine(writer, labels, _labelEnds[i], count);
                }
            }
        }
    }

    private void Add(T value, string[] leadingLabels, long amount)
    {
        var counts = Series.GetOrAdd(Checked(leadingLabels), _ => NewCounts());
        ref var slot = ref counts[Array.IndexOf(Values, value)];
        // -1 marks a value without a series: the first Add turns it into the amount, later ones add to it.
        var seen = Interlocked.Read(ref slot);
        while (true)
        {
            var found = Interlocked.CompareExchange(ref slot, seen < 0 ? amount : seen + amount, seen);
            if (found == seen)
            {
                return;
            }

            seen = found;
        }
    }

    private long[] NewCounts()
    {
        var counts = new long[Values.Length];
        Array.Fill(counts, -1);
        return counts;
    }
}

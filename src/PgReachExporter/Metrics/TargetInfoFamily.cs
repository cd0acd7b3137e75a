using System.Collections.Immutable;

namespace PgReachExporter.Metrics;

/// <summary>
/// pgreach_target_info{target, LABELS...} 1: the configured labels of each target (PgReach:TargetInfoLabels), for
/// dashboards to join on without multiplying every series. Its label names come from the configuration and may change
/// on reload, which a prometheus-net family cannot do, so the agent writes it: one immutable snapshot, replaced whole.
/// </summary>
internal sealed class TargetInfoFamily(string name, string help) : IExposedFamily
{
    private readonly Lock _gate = new();
    private Snapshot _current = new(["target"], []);

    public string Name { get; } = name;

    public string Help { get; } = help;

    /// <summary>Replaces every series: <paramref name="labelNames"/> after "target", and per target its values in that order.</summary>
    public void Replace(ImmutableArray<string> labelNames, IEnumerable<(string Target, ImmutableArray<string> Values)> series)
    {
        var next = new Snapshot(["target", .. labelNames], [.. series.Select(s => (string[])[s.Target, .. s.Values])]);
        lock (_gate)
        {
            Volatile.Write(ref _current, next);
        }
    }

    /// <summary>The series as label values ("target" first), for tests and the status page.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Series => Volatile.Read(ref _current).Series;

    public void RemoveWhere(Func<IReadOnlyList<string>, bool> match)
    {
        lock (_gate)
        {
            var current = Volatile.Read(ref _current);
            Volatile.Write(ref _current, current with { Series = [.. current.Series.Where(s => !match(s))] });
        }
    }

    /// <summary>
    /// Nothing to do per target: <see cref="FleetMetricsWriter"/> replaces the whole family with each new target set,
    /// which has the removed targets' series gone already (rebuilding it per removed target would be quadratic).
    /// </summary>
    public void RemoveTarget(string target)
    {
    }

    public async ValueTask WriteAsync(ExpositionWriter writer, CancellationToken cancel)
    {
        var snapshot = Volatile.Read(ref _current);
        await writer.WriteFamilyHeaderAsync(Name, Help, "gauge", cancel).ConfigureAwait(false);
        foreach (var values in snapshot.Series)
        {
            await writer.ReserveAsync(ExpositionWriter.MaxSeriesPrefixBytes(Name, snapshot.LabelNames, values) + 8, cancel).ConfigureAwait(false);
            writer.WriteSeriesPrefix(Name, snapshot.LabelNames, values);
            writer.WriteRaw("} 1\n"u8);
        }
    }

    private sealed record Snapshot(string[] LabelNames, string[][] Series);
}

using PgReachExporter.Configuration;

namespace PgReachExporter.Metrics;

/// <summary>
/// Keeps the fleet's families in step with the settings in force: pgreach_target_info for the probed targets (only the
/// listed labels; a target that goes takes its series along), pgreach_shard_info and pgreach_configured_targets.
/// Rewritten after every reload attempt, so a change of labels alone, which restarts no target, shows too.
/// </summary>
internal sealed class FleetMetricsWriter
{
    private readonly ReachMetrics _metrics;
    private readonly TargetSetMonitor _targets;

    public FleetMetricsWriter(ReachMetrics metrics, TargetSetMonitor targets)
    {
        _metrics = metrics;
        _targets = targets;
        var shard = targets.Current.Shard;
        metrics.ShardInfo.WithLabels(shard.Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            shard.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(1);
        Update();
        targets.ReloadAttempted += Update;
    }

    private void Update() => Write(_targets.Current, _metrics);

    /// <summary>Writes <paramref name="settings"/>' target info and target count into <paramref name="metrics"/>.</summary>
    public static void Write(AgentSettings settings, ReachMetrics metrics)
    {
        metrics.ConfiguredTargets.Set(settings.ConfiguredTargetCount);
        var names = settings.TargetInfoLabels;
        var empty = System.Collections.Immutable.ImmutableArray.CreateRange(names.Select(_ => ""));
        metrics.TargetInfo?.Replace(names, names.IsEmpty
            ? []
            : settings.Targets.Select(t => (t.Name, settings.TargetInfo.GetValueOrDefault(t.Name, empty))));
    }
}

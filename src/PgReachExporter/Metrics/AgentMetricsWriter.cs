using PgReachExporter.Configuration;
using PgReachExporter.Scheduling;
using Prometheus;

namespace PgReachExporter.Metrics;

/// <summary>Keeps the agent-wide families (targets, build, configuration reloads, stage failures, lost log events) in step with the agent.</summary>
internal sealed class AgentMetricsWriter
{
    private readonly ReachMetrics _metrics;
    private readonly TargetSetMonitor _targets;
    private readonly PipelineHealth _health;
    private readonly LogOutput _log;

    public AgentMetricsWriter(ReachMetrics metrics, TargetSetMonitor targets, PipelineHealth health, LogOutput log, CollectorRegistry registry)
    {
        _metrics = metrics;
        _targets = targets;
        _health = health;
        _log = log;
        metrics.BuildInfo.WithLabels(BuildVersion.Current).Set(1);
        Update();
        WriteStageFailures();
        targets.ReloadAttempted += Update;
        // Failures are counted where they happen, without a metrics dependency; the scrape copies the counts.
        registry.AddBeforeCollectCallback(WriteStageFailures);
    }

    private void WriteStageFailures()
    {
        foreach (var (stage, failures) in _health.Snapshot())
        {
            _metrics.StageFailures.WithLabels(stage).IncTo(failures);
        }

        _metrics.LogEventsDropped.IncTo(_log.Dropped);
    }

    private void Update()
    {
        _metrics.Targets.Set(_targets.Current.Targets.Length);
        _metrics.ConfigReloadSuccessful.Set(_targets.LastReloadSuccessful ? 1 : 0);
        _metrics.ConfigReloadSuccessTimestamp.Set(_targets.LastSuccessfulReload.ToUnixTimeMilliseconds() / 1000.0);
    }
}

/// <summary>The agent's version, from the assembly's informational version.</summary>
internal static class BuildVersion
{
    public static readonly string Current =
        (typeof(BuildVersion).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown")
        .Split('+')[0];
}

using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Scheduling;
using Prometheus;

namespace PgReachExporter.Metrics;

/// <summary>
/// The answer to one /probe request: a registry of its own (prometheus-net's multi-target pattern), written by the same
/// writers as a scheduled cycle, so its families are the agent's per-target gauges of that one cycle, the verdict
/// (pgreach_diagnosis), pgreach_probe_success and pgreach_probe_duration_seconds; never a counter, and nothing of it
/// reaches /metrics.
/// </summary>
internal sealed class ProbeExposition
{
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly ReachMetrics _metrics;

    public ProbeExposition()
    {
        _metrics = ReachMetrics.ForProbe(_registry);
        ProbeMetrics = new ProbeMetricsWriter(_metrics);
        HostMetrics = new HostSignalMetricsWriter(_metrics);
        Verdicts = new VerdictWriter(_metrics);
    }

    /// <summary>The scheduled cycle's probe writer, into this answer.</summary>
    public ICycleOutput ProbeMetrics { get; }

    /// <summary>The scheduled cycle's host-signal writer, into this answer.</summary>
    public ICycleOutput HostMetrics { get; }

    /// <summary>The verdict of this one cycle as pgreach_diagnosis.</summary>
    public ICycleOutput Verdicts { get; }

    /// <summary>Records the request's outcome: success (TCP and login both succeeded) and its duration.</summary>
    public void Complete(bool success, TimeSpan duration)
    {
        _metrics.ProbeSuccess!.Set(success ? 1 : 0);
        _metrics.ProbeDuration!.Set(duration.TotalSeconds);
    }

    public async Task WriteAsync(Stream body, ExpositionFormat format, CancellationToken cancel)
    {
        await using (var writer = new ExpositionWriter(body, format))
        {
            foreach (var family in _metrics.ExposedFamilies.Where(f => !f.Accumulates))
            {
                await family.WriteAsync(writer, cancel).ConfigureAwait(false);
            }

            await writer.FlushAsync(cancel).ConfigureAwait(false);
        }

        await _registry.CollectAndExportAsTextAsync(body, format, cancel).ConfigureAwait(false);
    }

    /// <summary>One verdict, no history: every finding of the cycle is a series at 1, as in /metrics.</summary>
    private sealed class VerdictWriter(ReachMetrics metrics) : ICycleOutput
    {
        public void TargetAdded(TargetDefinition target)
        {
        }

        public void CycleCompleted(CycleRecord record)
        {
            foreach (var finding in record.Verdict?.Findings ?? [])
            {
                metrics.Diagnosis.WithLabels(record.Target.Name, finding.Layer.Label(), finding.Cause.Label).Set(1);
            }
        }

        public void TargetRemoved(string target)
        {
        }
    }
}

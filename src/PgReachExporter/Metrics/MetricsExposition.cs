using Prometheus;

namespace PgReachExporter.Metrics;

/// <summary>
/// The body of /metrics: the families the agent writes itself (one-hot gauges and result counters,
/// <see cref="ReachMetrics.ExposedFamilies"/>), then every family of the prometheus-net registry, in the text format
/// (0.0.4) or OpenMetrics.
/// </summary>
internal sealed class MetricsExposition(CollectorRegistry registry, ReachMetrics metrics)
{
    public async Task WriteAsync(Stream body, ExpositionFormat format, CancellationToken cancel)
    {
        // OpenMetrics ends with "# EOF", which prometheus-net writes: the agent's families go first.
        await using (var writer = new ExpositionWriter(body, format))
        {
            foreach (var family in metrics.ExposedFamilies)
            {
                await family.WriteAsync(writer, cancel).ConfigureAwait(false);
            }

            await writer.FlushAsync(cancel).ConfigureAwait(false);
        }

        await registry.CollectAndExportAsTextAsync(body, format, cancel).ConfigureAwait(false);
    }
}

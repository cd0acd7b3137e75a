using System.Text;
using PgReachExporter.Configuration;
using PgReachExporter.Metrics;
using Prometheus;

namespace PgReachExporter.Tests.Metrics;

/// <summary>A fresh registry with the agent's metric families, scraped as /metrics writes them.</summary>
internal sealed class MetricsUnderTest
{
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();

    public MetricsUnderTest(SeriesProfile profile = SeriesProfile.Full) => Families = new ReachMetrics(Prometheus.Metrics.WithCustomRegistry(_registry), profile);

    public ReachMetrics Families { get; }

    public async Task<string> ScrapeAsync(ExpositionFormat format = ExpositionFormat.PrometheusText)
    {
        using var stream = new MemoryStream();
        await new MetricsExposition(_registry, Families).WriteAsync(stream, format, CancellationToken.None);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>One agent-written family alone, as /metrics would write it.</summary>
    public static async Task<string> WriteFamilyAsync(IExposedFamily family, ExpositionFormat format = ExpositionFormat.PrometheusText)
    {
        using var stream = new MemoryStream();
        await using (var writer = new ExpositionWriter(stream, format))
        {
            await family.WriteAsync(writer, CancellationToken.None);
            await writer.FlushAsync(CancellationToken.None);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// Exposition text as lines to compare: header lines first, then the samples in a stable order; OpenMetrics'
    /// "# EOF" is prometheus-net's, not a family's.
    /// </summary>
    public static string[] ComparableLines(byte[] text) =>
        [.. Encoding.UTF8.GetString(text).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l != "# EOF")
            .OrderBy(l => l.StartsWith('#') ? 0 : 1).ThenBy(l => l, StringComparer.Ordinal)];

    /// <summary>Prometheus-net's own exposition of a registry, as <see cref="ComparableLines"/>.</summary>
    public static async Task<string[]> PrometheusNetLinesAsync(CollectorRegistry registry, ExpositionFormat format)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream, format);
        return ComparableLines(stream.ToArray());
    }

    /// <summary>One agent-written family's exposition, as <see cref="ComparableLines"/>.</summary>
    public static async Task<string[]> OwnLinesAsync(IExposedFamily family, ExpositionFormat format) =>
        ComparableLines(Encoding.UTF8.GetBytes(await WriteFamilyAsync(family, format)));
}

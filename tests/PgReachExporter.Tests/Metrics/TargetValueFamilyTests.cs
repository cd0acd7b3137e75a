using PgReachExporter.Metrics;
using Prometheus;

namespace PgReachExporter.Tests.Metrics;

/// <summary>The agent's own one-value-per-target families write exactly what prometheus-net wrote for them before.</summary>
public sealed class TargetValueFamilyTests
{
    // Not infinities: prometheus-net writes "Infinity", the agent the format's "+Inf" (no agent figure is infinite).
    private static readonly double[] Values =
        [0, 1, 0.012, 1_700_000_000, 150004, 1_700_000_000.123, 1e-7, 0.1 + 0.2, 12_345_678_901_234_567, -5.5, 3.5e20, double.NaN];

    private static async Task<string[]> PrometheusNetAsync(bool counter, ExpositionFormat format)
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        if (counter)
        {
            var family = factory.CreateCounter("pgreach_test_total", "A test counter.", ["target"]);
            for (var i = 0; i < Values.Length; i++)
            {
                if (Values[i] >= 0 && double.IsFinite(Values[i]))
                {
                    family.WithLabels($"t{i}").Inc(Values[i]);
                }
            }
        }
        else
        {
            var family = factory.CreateGauge("pgreach_test", "A test gauge.", ["target"]);
            for (var i = 0; i < Values.Length; i++)
            {
                family.WithLabels($"t{i}").Set(Values[i]);
            }
        }

        return await MetricsUnderTest.PrometheusNetLinesAsync(registry, format);
    }

    private static async Task<string[]> OwnAsync(bool counter, ExpositionFormat format)
    {
        var family = counter
            ? TargetValueFamily.Counter("pgreach_test_total", "A test counter.")
            : TargetValueFamily.Gauge("pgreach_test", "A test gauge.");
        for (var i = 0; i < Values.Length; i++)
        {
            if (!counter)
            {
                family.WithLabels($"t{i}").Set(Values[i]);
            }
            else if (Values[i] >= 0 && double.IsFinite(Values[i]))
            {
                family.WithLabels($"t{i}").Inc(Values[i]);
            }
        }

        return await MetricsUnderTest.OwnLinesAsync(family, format);
    }

    [Theory]
    [InlineData(false, ExpositionFormat.PrometheusText)]
    [InlineData(false, ExpositionFormat.OpenMetricsText)]
    [InlineData(true, ExpositionFormat.PrometheusText)]
    [InlineData(true, ExpositionFormat.OpenMetricsText)]
    public async Task Writes_the_lines_prometheus_net_writes(bool counter, ExpositionFormat format) =>
        Assert.Equal(await PrometheusNetAsync(counter, format), await OwnAsync(counter, format));

    [Fact]
    public async Task A_removed_target_has_no_series_and_a_counter_accumulates()
    {
        var family = TargetValueFamily.Counter("pgreach_test_total", "Test.");
        family.WithLabels("a").Inc(0);
        family.WithLabels("b").Inc();
        family.WithLabels("b").Inc();
        family.RemoveTarget("a");

        var text = await MetricsUnderTest.WriteFamilyAsync(family);

        Assert.DoesNotContain("target=\"a\"", text);
        Assert.Contains("pgreach_test_total{target=\"b\"} 2\n", text);
        Assert.Throws<InvalidOperationException>(() => family.WithLabels("b").Set(1));
    }
}

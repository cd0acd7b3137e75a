using PgReachExporter.Metrics;
using Prometheus;

namespace PgReachExporter.Tests.Metrics;

/// <summary>The agent's own families with labels after "target" write exactly what prometheus-net wrote for them before.</summary>
public sealed class LabelledValueFamilyTests
{
    private static readonly string[] LabelNames = ["target", "address", "cause"];

    // Label values that need escaping (quote, backslash, newline) and one that is empty, with values of every shape.
    private static readonly (string[] Labels, double Value)[] Series =
    [
        (["t0", "127.0.0.1", "ok"], 0),
        (["t0", "::1", "listener_down"], 1),
        (["t1", "10.0.0.1", "say \"hi\""], 0.012),
        (["t1", "back\\slash", "line\nbreak"], 1_700_000_000.123),
        (["t2", "", "empty address"], 12_345_678_901_234_567),
        (["t3", "ünïcode", "x"], 3.5e20),
    ];

    private static async Task<string[]> PrometheusNetAsync(bool counter, ExpositionFormat format)
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        if (counter)
        {
            var family = factory.CreateCounter("pgreach_test_total", "A test counter.", LabelNames);
            foreach (var (labels, value) in Series)
            {
                family.WithLabels(labels).IncTo(value);
            }
        }
        else
        {
            var family = factory.CreateGauge("pgreach_test", "A test gauge.", LabelNames);
            foreach (var (labels, value) in Series)
            {
                family.WithLabels(labels).Set(value);
            }
        }

        return await MetricsUnderTest.PrometheusNetLinesAsync(registry, format);
    }

    private static async Task<string[]> OwnAsync(bool counter, ExpositionFormat format)
    {
        var family = counter
            ? LabelledValueFamily.Counter("pgreach_test_total", "A test counter.", LabelNames)
            : LabelledValueFamily.Gauge("pgreach_test", "A test gauge.", LabelNames);
        foreach (var (labels, value) in Series)
        {
            if (counter)
            {
                family.WithLabels(labels).IncTo(value);
            }
            else
            {
                family.WithLabels(labels).Set(value);
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
    public async Task A_removed_target_or_label_set_has_no_series_and_the_others_stay()
    {
        var family = LabelledValueFamily.Gauge("pgreach_test", "Test.", LabelNames);
        family.WithLabels("a", "127.0.0.1", "ok").Set(1);
        family.WithLabels("a", "::1", "ok").Set(1);
        family.WithLabels("b", "127.0.0.2", "listener_down").Set(1);
        family.WithLabels("b", "127.0.0.3", "firewall_drop").Set(1);

        family.RemoveTarget("a");
        family.RemoveLabelled("b", "127.0.0.3", "firewall_drop");
        var text = await MetricsUnderTest.WriteFamilyAsync(family);

        Assert.DoesNotContain("target=\"a\"", text);
        Assert.DoesNotContain("firewall_drop", text);
        Assert.Contains("pgreach_test{target=\"b\",address=\"127.0.0.2\",cause=\"listener_down\"} 1\n", text);
        Assert.Empty(family.LabelSetsOf("a"));
        Assert.Equal([["b", "127.0.0.2", "listener_down"]], family.LabelSetsOf("b"));
    }

    [Fact]
    public void A_counter_only_rises_and_a_gauge_is_only_set()
    {
        var counter = LabelledValueFamily.Counter("pgreach_test_total", "Test.", LabelNames);
        counter.WithLabels("a", "x", "y").IncTo(5);
        counter.WithLabels("a", "x", "y").IncTo(3);
        counter.WithLabels("a", "x", "y").Inc();
        var gauge = LabelledValueFamily.Gauge("pgreach_test", "Test.", LabelNames);

        Assert.Equal(6, counter.Get("a", "x", "y"));
        Assert.Throws<InvalidOperationException>(() => counter.WithLabels("a", "x", "y").Set(1));
        Assert.Throws<InvalidOperationException>(() => counter.WithLabels("a", "x", "y").Inc(-1));
        Assert.Throws<InvalidOperationException>(() => gauge.WithLabels("a", "x", "y").Inc());
        Assert.Throws<ArgumentException>(() => gauge.WithLabels("a", "x"));
        Assert.Throws<ArgumentException>(() => LabelledValueFamily.Gauge("pgreach_test", "Test.", ["address", "target"]));
        Assert.Throws<ArgumentException>(() => LabelledValueFamily.Counter("pgreach_test", "Test.", LabelNames));
    }
}

using System.Text;
using PgReachExporter.Classification;
using PgReachExporter.Metrics;
using PgReachExporter.Observations;
using Prometheus;

namespace PgReachExporter.Tests.Metrics;

public sealed class ResultCounterTests
{
    private static ResultCounter<TcpConnectResult> Family() => new("test_probes_total", "Probes by result; rate() of \"timeout\".",
        ["target"], "result", TcpConnectResults.All, TcpConnectResults.Label);

    [Theory]
    [InlineData(ExpositionFormat.PrometheusText)]
    [InlineData(ExpositionFormat.OpenMetricsText)]
    public async Task Writes_the_same_lines_as_a_prometheus_net_counter(ExpositionFormat format)
    {
        var family = Family();
        family.Touch("orders");
        family.Inc(TcpConnectResult.Open, "orders");
        family.Inc(TcpConnectResult.Open, "orders");
        family.Inc(TcpConnectResult.Timeout, "orders");
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var counter = Prometheus.Metrics.WithCustomRegistry(registry).CreateCounter("test_probes_total", "Probes by result; rate() of \"timeout\".", ["target", "result"]);
        foreach (var result in TcpConnectResults.All)
        {
            counter.WithLabels("orders", result.Label()).Inc(result switch { TcpConnectResult.Open => 2, TcpConnectResult.Timeout => 1, _ => 0 });
        }

        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream, format);
        var expected = Encoding.UTF8.GetString(stream.ToArray());
        if (format == ExpositionFormat.OpenMetricsText)
        {
            // prometheus-net leaves a double quote in HELP as it is; OpenMetrics escapes it, and so does the agent.
            expected = expected.Replace("# EOF\n", "").Replace("of \"timeout\"", "of \\\"timeout\\\"");
        }

        Assert.Equal(expected, await MetricsUnderTest.WriteFamilyAsync(family, format));
    }

    [Fact]
    public async Task Without_touch_only_the_counted_values_have_series()
    {
        var family = Family();
        family.Inc(TcpConnectResult.Refused, "orders");

        var text = await MetricsUnderTest.WriteFamilyAsync(family, ExpositionFormat.PrometheusText);

        Assert.Equal(["test_probes_total{target=\"orders\",result=\"refused\"} 1"],
            text.Split('\n').Where(l => l.StartsWith("test_probes_total{", StringComparison.Ordinal)));
        Assert.Equal(1, family.Get(TcpConnectResult.Refused, "orders"));
        Assert.Null(family.Get(TcpConnectResult.Open, "orders"));
    }

    [Fact]
    public async Task Touch_keeps_counts_and_removal_drops_the_label_set()
    {
        var family = Family();
        family.Inc(TcpConnectResult.Open, "orders");
        family.Touch("orders");
        family.Touch("billing");

        Assert.Equal(1, family.Get(TcpConnectResult.Open, "orders"));
        Assert.Equal(0, family.Get(TcpConnectResult.Timeout, "billing"));

        family.RemoveWhere(labels => labels[0] == "orders");

        var text = await MetricsUnderTest.WriteFamilyAsync(family, ExpositionFormat.PrometheusText);
        Assert.DoesNotContain("orders", text);
        Assert.Equal(TcpConnectResults.All.Length, text.Split('\n').Count(l => l.StartsWith("test_probes_total{target=\"billing\"", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Counts_from_many_threads_add_up()
    {
        var family = Family();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                family.Inc(TcpConnectResult.Open, "orders");
            }
        })));

        Assert.Equal(80_000, family.Get(TcpConnectResult.Open, "orders"));
    }

    [Fact]
    public void A_counter_name_without_total_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new ResultCounter<TcpConnectResult>("test_probes", "h", ["target"], "result", TcpConnectResults.All, TcpConnectResults.Label));
        Assert.Contains("test_probes must end in _total", error.Message);
    }
}

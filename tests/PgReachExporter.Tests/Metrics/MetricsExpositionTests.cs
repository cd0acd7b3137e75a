using PgReachExporter.Classification;
using PgReachExporter.Observations;
using PgReachExporter.Web;
using Prometheus;

namespace PgReachExporter.Tests.Metrics;

public sealed class MetricsExpositionTests
{
    [Theory]
    [InlineData(null, null, false)]
    [InlineData("", null, false)]
    [InlineData("*/*", null, false)]
    [InlineData("text/plain;version=0.0.4", null, false)]
    [InlineData("application/openmetrics-text;version=1.0.0", null, true)]
    // What Prometheus 2.x sends: OpenMetrics preferred.
    [InlineData("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", null, true)]
    [InlineData("text/plain;q=0.9,application/openmetrics-text;q=0.5", null, false)]
    [InlineData("application/openmetrics-text;q=0.9,text/plain;q=0.5", null, true)]
    [InlineData("not a media type, application/openmetrics-text", null, true)]
    [InlineData("application/openmetrics-text", "text/plain", false)]
    [InlineData("text/plain", "application/openmetrics-text", true)]
    public void Negotiates_the_format_as_prometheus_net_does(string? accept, string? query, bool openMetrics)
    {
        var (format, contentType) = MetricsEndpoint.Negotiate(accept, query);

        Assert.Equal(openMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText, format);
        Assert.Equal(openMetrics ? MetricsEndpoint.OpenMetricsContentType : MetricsEndpoint.TextContentType, contentType);
    }

    [Fact]
    public async Task OpenMetrics_has_the_agents_families_before_the_single_eof()
    {
        var metrics = new MetricsUnderTest();
        metrics.Families.LoginResult.Set(LoginResult.Ok, "orders");
        metrics.Families.Up.WithLabels("orders").Set(1);

        var text = await metrics.ScrapeAsync(ExpositionFormat.OpenMetricsText);

        Assert.EndsWith("\n# EOF\n", text);
        Assert.Equal(1, text.Split('\n').Count(line => line == "# EOF"));
        Assert.Contains("pgreach_login_result{target=\"orders\",result=\"ok\"} 1\n", text);
        Assert.Contains("pgreach_up{target=\"orders\"} 1", text);
    }

    [Fact]
    public async Task Removing_a_target_removes_its_one_hot_series_too()
    {
        var metrics = new MetricsUnderTest();
        metrics.Families.LoginResult.Set(LoginResult.Ok, "orders");
        metrics.Families.TcpConnectResult.Set(TcpConnectResult.Open, "orders", "127.0.0.1", "ipv4");
        metrics.Families.ServerCheckResult.Set(PgReachExporter.Observations.ServerCheckResult.Ok, "orders", "settings");
        metrics.Families.LoginResult.Set(LoginResult.Refused, "billing");

        metrics.Families.RemoveTarget("orders");

        var text = await metrics.ScrapeAsync();
        Assert.DoesNotContain("target=\"orders\"", text);
        Assert.Contains("pgreach_login_result{target=\"billing\",result=\"refused\"} 1\n", text);
    }
}

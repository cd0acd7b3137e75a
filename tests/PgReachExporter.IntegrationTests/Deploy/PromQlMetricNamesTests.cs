namespace PgReachExporter.IntegrationTests.Deploy;

public sealed class PromQlMetricNamesTests
{
    [Theory]
    [InlineData("pgreach_up", "pgreach_up")]
    [InlineData("sum by (job, target) (rate(pgreach_tcp_probes_total{result=\"timeout\"}[5m]))", "pgreach_tcp_probes_total")]
    [InlineData("a:b:rate5m > 3 * c_total offset 1h", "a:b:rate5m c_total")]
    [InlineData("x unless on (target) min by (target) (y{l=~\"a|b\"}) == 1", "x y")]
    [InlineData("label_replace(m == 1, \"cause\", \"$1\", \"result\", \"(.+)\")", "m")]
    [InlineData("increase(m_total{t=~\"$target\"}[$__rate_interval]) > 0.25e3 and time() - ts < 900", "m_total ts")]
    [InlineData("absent(up{job=\"pgreach\"})", "up")]
    public void Selected_metric_names_are_found_and_nothing_else(string expression, string expected)
    {
        var names = PromQlMetricNames.In(expression);

        Assert.Equal(expected.Split(' ').Order(), names.Order());
    }
}

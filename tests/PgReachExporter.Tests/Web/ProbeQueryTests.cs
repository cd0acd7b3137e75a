using PgReachExporter.Web;

namespace PgReachExporter.Tests.Web;

public sealed class ProbeQueryTests
{
    [Theory]
    [InlineData("?target=orders", "orders", null)]
    [InlineData("?target=db1.db.internal%3A5432&module=app", "db1.db.internal:5432", "app")]
    [InlineData("?module=app&target=[fd00::5]:5432", "[fd00::5]:5432", "app")]
    public void Target_and_module_are_read(string query, string target, string? module)
    {
        Assert.Equal(new ProbeQuery(target, module), ProbeQuery.Parse(query, out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("?target=db:5432&module=app&password=hunter2", "unknown query parameter 'password'")]
    [InlineData("?target=db:5432&user=postgres", "unknown query parameter 'user'")]
    [InlineData("?Target=db", "unknown query parameter 'Target'")]
    [InlineData("", "target is missing")]
    [InlineData("?module=app", "target is missing")]
    [InlineData("?target=", "target is empty")]
    [InlineData("?target=a&target=b", "target is given 2 times")]
    [InlineData("?target=a&module=x&module=y", "module is given 2 times")]
    [InlineData("?target=a%0Ab", "control characters")]
    public void Anything_else_is_a_bad_request_with_a_reason(string query, string expected)
    {
        Assert.Null(ProbeQuery.Parse(query, out var problem));
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void A_credential_in_the_query_is_never_echoed()
    {
        ProbeQuery.Parse("?target=db&password=hunter2", out var problem);

        Assert.DoesNotContain("hunter2", problem);
    }

    [Theory]
    [InlineData(null, 3.0, 3.0)]          // no header: 120 s, so the module's timeout
    [InlineData("10", 3.0, 3.0)]          // the module's timeout is shorter
    [InlineData("2", 3.0, 1.5)]           // the header minus the offset
    [InlineData("1.5", 3.0, 1.0)]
    [InlineData("0.4", 3.0, 3.0)]         // the offset leaves nothing: the module's timeout, as the blackbox exporter does
    public void The_budget_is_the_scrape_timeout_minus_the_offset_or_the_timeout(string? header, double timeout, double expected)
    {
        var budget = ProbeQuery.Budget(header, TimeSpan.FromSeconds(timeout), TimeSpan.FromMilliseconds(500), out var problem);

        Assert.Null(problem);
        Assert.Equal(TimeSpan.FromSeconds(expected), budget);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("1e400")]
    public void A_bad_timeout_header_is_refused(string header)
    {
        Assert.Null(ProbeQuery.Budget(header, TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(500), out var problem));
        Assert.Contains("X-Prometheus-Scrape-Timeout-Seconds", problem);
    }
}

using System.Net.Http.Headers;
using PgReachExporter.IntegrationTests.Infrastructure;
using static PgReachExporter.IntegrationTests.Agent.RunningAgent;

namespace PgReachExporter.IntegrationTests.EndToEnd;

/// <summary>
/// The one-hot families are written by the agent itself, next to prometheus-net's: both exposition formats must
/// still be one well-formed document that real Prometheus reads.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class ScrapeFormatTests(ClusterFixture fixture)
{
    private const string Password = "app-Secret-42";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Prometheus_scrapes_the_one_hot_families_with_every_value()
    {
        await using var cluster = await fixture.NewClusterAsync();
        await cluster.CreateRoleAsync("app", Password);
        await using var stack = await MonitoringStack.StartAsync(
            Config(Target("orders", "127.0.0.1", cluster.Port, password: Password, interval: "1s", timeout: "500ms")));

        // Prometheus 2.x asks for OpenMetrics first; a document it cannot parse would leave no series at all.
        await stack.WaitForSeriesAsync("pgreach_login_result{target=\"orders\",result=\"ok\"} == 1", Bound);
        await stack.WaitForSeriesAsync($"count(pgreach_login_result{{target=\"orders\"}}) == {PgReachExporter.Observations.LoginResults.All.Length}", Bound);
        await stack.WaitForSeriesAsync("count(pgreach_tcp_connect_result{target=\"orders\",address=\"127.0.0.1\"}) == 6", Bound);
        await stack.WaitForSeriesAsync("pgreach_tcp_connect_result{target=\"orders\",result=\"open\"} == 1", Bound);
        await stack.WaitForSeriesAsync("up{job=\"pgreach\"} == 1", Bound);
    }

    [Fact]
    public async Task OpenMetrics_scrape_is_one_document_ending_in_a_single_eof()
    {
        await using var cluster = await fixture.NewClusterAsync();
        await cluster.CreateRoleAsync("app", Password);
        await using var agent = await StartAsync(Config(Target("orders", "127.0.0.1", cluster.Port, password: Password, interval: "1s", timeout: "500ms")));
        await agent.WaitForLoginAsync("orders", Bound);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/openmetrics-text; version=1.0.0"));
        using var response = await agent.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("application/openmetrics-text", response.Content.Headers.ContentType?.ToString());
        Assert.EndsWith("\n# EOF\n", text);
        Assert.Equal(1, text.Split('\n').Count(line => line == "# EOF"));
        Assert.Contains("pgreach_login_result{target=\"orders\",result=\"ok\"} 1\n", text);
        Assert.Contains("# TYPE pgreach_login_result gauge\n", text);
        Assert.Contains("# TYPE pgreach_up gauge\n", text);
        Assert.DoesNotContain(Password, text);
    }
}

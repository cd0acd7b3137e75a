using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Deploy;
using PgReachExporter.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using static PgReachExporter.IntegrationTests.Agent.RunningAgent;

namespace PgReachExporter.IntegrationTests.EndToEnd;

/// <summary>What a scrape of a running agent holds, checked against the deployed files and against promtool.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class ExportedMetricsTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan ScrapeBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Agent_exports_every_metric_name_the_alert_rules_and_the_dashboard_read()
    {
        await using var targets = await MetricFamilyTargets.StartAsync(fixture);
        await using var agent = await StartAsync(targets.EveryFamilyConfig());
        var deployed = DeployedMetricNames.All();

        var scrape = await ScrapeUntilAsync(agent, s => Missing(s, deployed).Count == 0);

        var missing = Missing(scrape, deployed);
        var declaredOnly = deployed.Except(missing).Where(name => !HasSample(scrape, name));
        output.WriteLine($"{deployed.Count} names used by rules and dashboard; missing: {missing.Count}; declared without a sample: {string.Join(", ", declaredOnly)}");
        Assert.True(missing.Count == 0,
            $"The agent does not export {missing.Count} of the {deployed.Count} metric names that deploy/prometheus/alerts.yml and the dashboard read: " +
            string.Join(", ", missing));
    }

    [Fact]
    public async Task Promtool_check_metrics_finds_nothing_in_a_full_scrape()
    {
        await using var targets = await MetricFamilyTargets.StartAsync(fixture);
        await using var agent = await StartAsync(targets.EveryFamilyConfig());
        var scrape = await ScrapeUntilAsync(agent, s => s.Find("pgreach_server_info").Any() && s.Find("pgreach_hba_client_allowed").Any()
            && s.Find("pgreach_log_lines_total").Any() && s.Find("pgreach_listener_present").Any());

        var result = await ExternalTool.Promtool.RunAsync(["check", "metrics"], standardInput: scrape.Text);

        Assert.True(result.ExitCode == 0 && result.Output.Trim().Length == 0, $"{result}\n--- scrape ---\n{scrape.Text}");
    }

    // First every target finishes a cycle (its login result is set); then the condition gets the same bound to hold.
    private static async Task<Scrape> ScrapeUntilAsync(RunningAgent agent, Func<Scrape, bool> condition)
    {
        await agent.WaitForAsync(s => MetricFamilyTargets.Names.All(name => s.Current("pgreach_login_result", $"target={name}") is not null),
            ScrapeBound, "a finished cycle for every target");
        try
        {
            return await agent.WaitForAsync(condition, ScrapeBound);
        }
        catch (TimeoutException)
        {
            return await agent.ScrapeAsync(); // the caller's assertion says what is missing
        }
    }

    private static IReadOnlyCollection<string> Missing(Scrape scrape, IEnumerable<string> names) =>
        names.Where(name => !IsDeclared(scrape, name) && !HasSample(scrape, name)).ToArray();

    // A family is exported once it has its HELP or TYPE line, even before its first sample.
    private static bool IsDeclared(Scrape scrape, string name) =>
        ("\n" + scrape.Text).Contains($"\n# HELP {name} ", StringComparison.Ordinal)
        || ("\n" + scrape.Text).Contains($"\n# TYPE {name} ", StringComparison.Ordinal);

    private static bool HasSample(Scrape scrape, string name) => scrape.Samples.Any(sample => sample.Name == name);
}

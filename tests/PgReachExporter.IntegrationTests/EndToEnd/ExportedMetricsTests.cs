using PgReachExporter.Observations;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.Metrics;
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

    /// <summary>
    /// The lean series profile keeps the alerting contract: every agent metric an alert reads (directly or through the
    /// recording rules it uses) is exported, and every dashboard panel shows data, but those whose description says
    /// they need the full series profile (and they read only the families lean leaves out).
    /// </summary>
    [Fact]
    public async Task Under_the_lean_profile_every_alert_and_every_panel_not_marked_full_profile_only_has_its_metrics()
    {
        await using var targets = await MetricFamilyTargets.StartAsync(fixture);
        await using var agent = await StartAsync(targets.EveryFamilyConfig("lean"));
        var rules = PrometheusRuleFile.Load(RepositoryLayout.AlertRules);
        var recorded = rules.Recordings.ToDictionary(r => r.Name, r => r.Expression, StringComparer.Ordinal);
        var alertNames = rules.Alerts.SelectMany(a => AgentMetricsOf(a.Expression, recorded)).ToHashSet(StringComparer.Ordinal);
        var dashboard = GrafanaDashboard.Load(RepositoryLayout.Dashboard);
        var panels = dashboard.Panels.Where(p => p["targets"] is not null).Select(p => (
                Title: p["title"]!.ToString(),
                FullOnly: (p["description"]?.ToString() ?? "").Contains("Full series profile only", StringComparison.Ordinal),
                Names: p["targets"].Items().SelectMany(t => AgentMetricsOf(t?["expr"]?.ToString() ?? "", recorded)).ToHashSet(StringComparer.Ordinal)))
            .Where(p => p.Names.Count > 0).ToList();

        var scrape = await ScrapeUntilAsync(agent, s => Missing(s, alertNames).Count == 0
            && panels.Where(p => !p.FullOnly).All(p => Missing(s, p.Names).Count < p.Names.Count));

        var leftIn = ReachMetrics.FullOnlyFamilies.Where(name => IsDeclared(scrape, name) || HasSample(scrape, name)).ToList();
        Assert.True(leftIn.Count == 0, "families the lean profile leaves out are in the scrape: " + string.Join(", ", leftIn));
        Assert.True(Missing(scrape, alertNames).Count == 0, "alert rules read metrics a lean agent does not export: " + string.Join(", ", Missing(scrape, alertNames)));
        var dark = panels.Where(p => !p.FullOnly && Missing(scrape, p.Names).Count == p.Names.Count).Select(p => p.Title).ToList();
        Assert.True(dark.Count == 0, "dashboard panels with no metric under the lean profile, not marked full profile only: " + string.Join(", ", dark));
        var mislabelled = panels.Where(p => p.FullOnly && !p.Names.IsSubsetOf(ReachMetrics.FullOnlyFamilies)).Select(p => p.Title).ToList();
        Assert.True(mislabelled.Count == 0, "panels marked full profile only that read metrics lean keeps: " + string.Join(", ", mislabelled));
        Assert.Equal(TcpConnectResults.All.Length, scrape.Samples.Count(s => s.Name == "pgreach_tcp_connect_result" && s.Labels.GetValueOrDefault("target") == "refused"));
        Assert.Equal(LoginResults.All.Length, scrape.Samples.Count(s => s.Name == "pgreach_login_result" && s.Labels.GetValueOrDefault("target") == "refused"));
    }

    // The agent's metric names an expression reads, through the recording rules it uses.
    private static IEnumerable<string> AgentMetricsOf(string expression, IReadOnlyDictionary<string, string> recorded) =>
        PromQlMetricNames.In(expression).SelectMany(name => recorded.TryGetValue(name, out var source) ? AgentMetricsOf(source, recorded) : [name])
            .Where(name => name.StartsWith("pgreach_", StringComparison.Ordinal));

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

namespace PgReachExporter.IntegrationTests.Deploy;

public sealed class AlertRulesTests
{
    private static readonly HashSet<string> Severities = ["page", "warning"];
    private static readonly HashSet<string> Layers = ["transport", "network", "tls", "auth", "capacity", "server", "config", "monitoring"];

    private readonly PrometheusRuleFile _rules = PrometheusRuleFile.Load(RepositoryLayout.AlertRules);

    [Fact]
    public async Task Promtool_accepts_the_rule_file()
    {
        var result = await ExternalTool.Promtool.RunAsync(["check", "rules", RepositoryLayout.AlertRules]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"SUCCESS: {_rules.Alerts.Count + _rules.Recordings.Count} rules found", result.Output);
    }

    [Fact]
    public async Task Promtool_unit_tests_of_the_rules_pass()
    {
        var result = await ExternalTool.Promtool.RunAsync(
            ["test", "rules", Path.GetFileName(RepositoryLayout.AlertRuleTests)],
            Path.GetDirectoryName(RepositoryLayout.AlertRuleTests));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS", result.Output);
        Assert.DoesNotContain("FAILED", result.Output);
    }

    [Fact]
    public void Every_alert_has_a_unit_test_where_it_fires_and_one_where_it_stays_quiet()
    {
        var cases = YamlFile.Load(RepositoryLayout.AlertRuleTests)["tests"].Items()
            .SelectMany(test => test["alert_rule_test"].Items())
            .Select(check => (Alert: check["alertname"]?.ToString(), Fires: check["exp_alerts"].Items().Any()))
            .ToArray();

        Assert.All(_rules.Alerts, alert =>
        {
            Assert.True(cases.Contains((alert.Name, true)), $"{alert.Name} has no unit test in which it fires");
            Assert.True(cases.Contains((alert.Name, false)), $"{alert.Name} has no unit test in which it stays quiet");
        });
    }

    [Fact]
    public void Every_alert_has_a_routable_severity_and_a_known_layer()
    {
        Assert.All(_rules.Alerts, alert =>
        {
            Assert.True(alert.Labels.TryGetValue("severity", out var severity) && Severities.Contains(severity),
                $"{alert.Name}: severity must be one of {string.Join(", ", Severities)}");
            if (alert.Labels.TryGetValue("layer", out var layer))
            {
                Assert.Contains(layer, Layers);
            }
            else
            {
                // Only the verdict alert takes layer and cause from its series.
                Assert.Contains("pgreach_diagnosis", alert.Expression);
            }
        });
    }

    [Fact]
    public void Every_alert_explains_itself_and_links_an_existing_runbook_section()
    {
        var anchors = RunbookAnchors();

        Assert.All(_rules.Alerts, alert =>
        {
            Assert.False(string.IsNullOrWhiteSpace(alert.Annotations.GetValueOrDefault("summary")), $"{alert.Name} has no summary");
            Assert.False(string.IsNullOrWhiteSpace(alert.Annotations.GetValueOrDefault("description")), $"{alert.Name} has no description");
            var url = alert.Annotations.GetValueOrDefault("runbook_url") ?? "";
            Assert.StartsWith("docs/runbook.md#", url);
            Assert.True(anchors.Contains(url["docs/runbook.md#".Length..]), $"{alert.Name}: docs/runbook.md has no section for {url}");
        });
    }

    [Fact]
    public void Every_runbook_section_named_after_an_alert_belongs_to_an_existing_alert()
    {
        var alertNames = _rules.Alerts.Select(alert => alert.Name).ToHashSet();

        var sections = File.ReadLines(RepositoryLayout.Runbook)
            .Where(line => line.StartsWith("## PgReach", StringComparison.Ordinal))
            .Select(line => line[3..].Trim());

        Assert.All(sections, section => Assert.Contains(section, alertNames));
    }

    [Fact]
    public void The_timeout_rate_alert_pages_only_after_it_held_for_a_while()
    {
        var alert = Assert.Single(_rules.Alerts, alert => alert.Name == "PgReachTcpTimeoutRateHigh");

        Assert.Equal("page", alert.Labels["severity"]);
        Assert.Equal("network", alert.Labels["layer"]);
        Assert.False(string.IsNullOrEmpty(alert.For), "the paging timeout alert needs a for: duration");
        Assert.Contains("target:pgreach_tcp_timeout_ratio:rate1h", alert.Expression);
    }

    [Fact]
    public void Absent_or_stale_agent_data_pages()
    {
        var paging = _rules.Alerts.Where(alert => alert.Labels["severity"] == "page").ToArray();

        Assert.Contains(paging, alert => alert.Expression.Contains("absent(", StringComparison.Ordinal));
        Assert.Contains(paging, alert => alert.Expression.Contains("up{", StringComparison.Ordinal));
        Assert.Contains(paging, alert => alert.Expression.Contains("pgreach_last_probe_timestamp_seconds", StringComparison.Ordinal));
    }

    /// <summary>GitHub-style anchors of the runbook's headings: lower case, punctuation dropped, spaces to dashes.</summary>
    private static HashSet<string> RunbookAnchors() =>
        File.ReadLines(RepositoryLayout.Runbook)
            .Where(line => line.StartsWith('#'))
            .Select(line => line.TrimStart('#').Trim().ToLowerInvariant())
            .Select(heading => new string(heading.Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_').ToArray()).Replace(' ', '-'))
            .ToHashSet();
}

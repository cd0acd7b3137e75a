using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PgReachExporter.IntegrationTests.Deploy;

public sealed class DashboardTests
{
    // Metrics of the agent itself, without a target label.
    private static readonly HashSet<string> AgentWideMetrics =
    [
        "pgreach_build_info", "pgreach_targets", "pgreach_config_last_reload_successful",
        "pgreach_config_last_reload_success_timestamp_seconds",
    ];

    private readonly GrafanaDashboard _dashboard = GrafanaDashboard.Load(RepositoryLayout.Dashboard);

    [Fact]
    public void Dashboard_lets_the_viewer_pick_targets_and_vantage_points()
    {
        var variables = _dashboard.Variables.ToDictionary(variable => variable["name"]!.ToString());

        foreach (var name in new[] { "vantage", "target" })
        {
            var variable = Assert.Contains(name, (IDictionary<string, JsonObject>)variables);
            Assert.Equal("query", variable["type"]?.ToString());
            Assert.True(variable["multi"]?.GetValue<bool>() == true, $"{name} should allow several values");
            Assert.True(variable["includeAll"]?.GetValue<bool>() == true, $"{name} should offer All");
            Assert.Equal(".*", variable["allValue"]?.ToString());
        }

        Assert.Contains("$vantage", GrafanaDashboard.VariableSelector(variables["target"]));
    }

    [Fact]
    public void Every_per_target_query_honours_the_target_and_vantage_variables()
    {
        var perTarget = _dashboard.Queries
            .Where(query => PromQlMetricNames.In(query.Expression).Any(name => !AgentWideMetrics.Contains(name)))
            .ToArray();

        Assert.NotEmpty(perTarget);
        Assert.All(perTarget, query =>
        {
            Assert.True(query.Expression.Contains("target=~\"$target\"", StringComparison.Ordinal), $"{query.PanelTitle} {query.RefId} ignores $target");
            Assert.True(query.Expression.Contains("vantage=~\"$vantage\"", StringComparison.Ordinal), $"{query.PanelTitle} {query.RefId} ignores $vantage");
        });
    }

    [Fact]
    public void Every_panel_reads_only_contract_metrics_or_recorded_series()
    {
        var recorded = PrometheusRuleFile.Load(RepositoryLayout.AlertRules).Recordings.Select(rule => rule.Name).ToHashSet();

        Assert.All(_dashboard.Queries, query =>
        {
            var unknown = PromQlMetricNames.In(query.Expression)
                .Where(name => !ContractMetricNames.All.Contains(name) && !recorded.Contains(name))
                .ToArray();
            Assert.True(unknown.Length == 0, $"panel '{query.PanelTitle}' {query.RefId} reads {string.Join(", ", unknown)}");
        });
    }

    [Fact]
    public async Task Every_panel_query_is_valid_PromQL()
    {
        // promtool has no query parser of its own; a recording rule per panel query makes `check rules` parse them.
        var file = Path.Combine(Directory.CreateTempSubdirectory("pgreach-dashboard-").FullName, "dashboard-queries.yml");
        var rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        var queries = _dashboard.Expressions.ToArray();
        for (var i = 0; i < queries.Length; i++)
        {
            var expression = queries[i].Replace("$__rate_interval", "5m").Replace("$vantage", ".*").Replace("$target", ".*");
            rules.Append($"      - record: dashboard_query_{i}\n        expr: {JsonSerializer.Serialize(expression)}\n");
        }

        await File.WriteAllTextAsync(file, rules.ToString());
        try
        {
            var result = await ExternalTool.Promtool.RunAsync(["check", "rules", file]);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains($"SUCCESS: {queries.Length} rules found", result.Output);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    [Theory]
    [InlineData("per-target layer states", "pgreach_tcp_connect_result", "pgreach_login_result")]
    [InlineData("TCP results over time", "pgreach_tcp_probes_total")]
    [InlineData("timeout rate", "target:pgreach_tcp_timeout_ratio:rate5m")]
    [InlineData("login results", "pgreach_login_probes_total")]
    [InlineData("pg_hba errors and reload state", "pgreach_hba_rule_errors", "pgreach_hba_reload_pending")]
    [InlineData("connections against max", "pgreach_connections", "pgreach_max_connections")]
    [InlineData("log events", "pgreach_log_events_total")]
    [InlineData("verdicts", "pgreach_diagnosis")]
    [InlineData("TLS certificates and handshakes", "pgreach_tls_certificate_expiry_timestamp_seconds", "pgreach_tls_info", "pgreach_tls_handshake_duration_seconds")]
    public void Dashboard_shows(string topic, params string[] metrics)
    {
        var shown = _dashboard.Queries.SelectMany(query => PromQlMetricNames.In(query.Expression)).ToHashSet();

        Assert.All(metrics, metric => Assert.True(shown.Contains(metric), $"no panel for {topic} reads {metric}"));
    }

    [Fact]
    public void Panels_do_not_overlap()
    {
        var boxes = _dashboard.Panels
            .Select(panel => (Title: panel["title"]!.ToString(), Box: panel["gridPos"]!))
            .Select(p => (p.Title, X: Int(p.Box, "x"), Y: Int(p.Box, "y"), W: Int(p.Box, "w"), H: Int(p.Box, "h")))
            .ToArray();

        for (var i = 0; i < boxes.Length; i++)
        {
            Assert.True(boxes[i].X + boxes[i].W <= 24, $"'{boxes[i].Title}' is wider than the grid");
            for (var j = i + 1; j < boxes.Length; j++)
            {
                var (a, b) = (boxes[i], boxes[j]);
                var overlap = a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H;
                Assert.False(overlap, $"'{a.Title}' overlaps '{b.Title}'");
            }
        }
    }

    [Fact]
    public void Grafana_provisioning_loads_this_dashboard_from_prometheus()
    {
        var datasource = Assert.Single(YamlFile.Load(RepositoryLayout.PathOf("dashboards/provisioning/datasources/prometheus.yml"))["datasources"].Items());
        Assert.Equal("prometheus", datasource["type"]?.ToString());
        Assert.Equal("http://prometheus:9090", datasource["url"]?.ToString());

        var provider = Assert.Single(YamlFile.Load(RepositoryLayout.PathOf("dashboards/provisioning/dashboards/pgreach.yml"))["providers"].Items());
        Assert.Equal("file", provider["type"]?.ToString());
        var path = provider["options"]?["path"]?.ToString();

        // docker-compose.yml must mount the dashboard into the directory the provider reads.
        var grafanaVolumes = YamlFile.Load(RepositoryLayout.ComposeFile)["services"]?["grafana"]?["volumes"].Strings();
        Assert.Contains($"./dashboards/pgreach-exporter.json:{path}/pgreach-exporter.json:ro", grafanaVolumes ?? []);
        Assert.All(_dashboard.Panels.Where(panel => panel["type"]?.ToString() != "row"), panel =>
            Assert.Equal("${datasource}", panel["datasource"]?["uid"]?.ToString()));
    }

    private static int Int(JsonNode box, string key) => box[key]!.GetValue<int>();
}

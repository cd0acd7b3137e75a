namespace PgReachExporter.IntegrationTests.Deploy;

public sealed class MetricContractTests
{
    [Fact]
    public void Rules_and_dashboard_read_only_contract_metrics_and_their_own_recorded_series()
    {
        var recorded = PrometheusRuleFile.Load(RepositoryLayout.AlertRules).Recordings.Select(rule => rule.Name).ToHashSet();

        var unknown = DeployedMetricNames.Referenced()
            .Where(name => !ContractMetricNames.All.Contains(name)
                           && !ContractMetricNames.ScrapeHealth.Contains(name)
                           && !recorded.Contains(name))
            .ToArray();

        Assert.True(unknown.Length == 0, $"Names outside the metric contract: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Deployed_metric_names_are_the_agent_metrics_the_deployment_reads()
    {
        var names = DeployedMetricNames.All();

        Assert.All(names, name => Assert.Contains(name, ContractMetricNames.All));
        Assert.Superset(
            new HashSet<string>
            {
                "pgreach_tcp_probes_total", "pgreach_tcp_connect_result", "pgreach_login_result", "pgreach_hba_rule_errors",
                "pgreach_hba_reload_pending", "pgreach_setting_pending_restart", "pgreach_log_events_total",
                "pgreach_connections", "pgreach_max_connections", "pgreach_last_probe_timestamp_seconds", "pgreach_diagnosis",
            },
            names.ToHashSet());
    }

    [Fact]
    public void Every_recorded_series_reads_contract_metrics_or_earlier_recorded_series()
    {
        var rules = PrometheusRuleFile.Load(RepositoryLayout.AlertRules);
        var known = new HashSet<string>(ContractMetricNames.All);

        foreach (var rule in rules.Recordings)
        {
            var unknown = PromQlMetricNames.In(rule.Expression).Where(name => !known.Contains(name)).ToArray();
            Assert.True(unknown.Length == 0, $"{rule.Name} reads {string.Join(", ", unknown)}, which is not defined before it");
            known.Add(rule.Name);
        }
    }
}

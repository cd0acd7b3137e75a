namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>
/// Agent metric names that the deployed alert rules and the Grafana dashboard read, parsed from those files.
/// An end-to-end test checks that the running agent exports each of them.
/// </summary>
internal static class DeployedMetricNames
{
    /// <summary>Every pgreach_ metric name used by deploy/prometheus/alerts.yml and the dashboard, sorted.</summary>
    public static IReadOnlyCollection<string> All() =>
        Referenced().Where(name => name.StartsWith("pgreach_", StringComparison.Ordinal)).ToArray();

    /// <summary>Every name the rules and dashboard select: agent metrics, recorded series and scrape health.</summary>
    public static IReadOnlyCollection<string> Referenced()
    {
        var rules = PrometheusRuleFile.Load(RepositoryLayout.AlertRules);
        var dashboard = GrafanaDashboard.Load(RepositoryLayout.Dashboard);
        return rules.Expressions.Concat(dashboard.Expressions)
            .SelectMany(PromQlMetricNames.In)
            .ToHashSet(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}

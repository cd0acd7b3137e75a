namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>Locations of the deployment files in the repository the tests run from.</summary>
internal static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    public static string PrometheusConfig => PathOf("deploy/prometheus/prometheus.yml");
    public static string MultiVantageExample => PathOf("deploy/prometheus/prometheus.multi-vantage.example.yml");
    public static string ProbeExample => PathOf("deploy/prometheus/prometheus.probe.example.yml");
    public static string ProbeTargetsExample => PathOf("deploy/prometheus/pgreach-probe-targets.example.yml");
    public static string AlertRules => PathOf("deploy/prometheus/alerts.yml");
    public static string AlertRuleTests => PathOf("deploy/prometheus/alerts.test.yml");
    public static string AlertmanagerConfig => PathOf("deploy/alertmanager/alertmanager.yml");
    public static string Dashboard => PathOf("dashboards/pgreach-exporter.json");
    public static string Runbook => PathOf("docs/runbook.md");
    public static string ComposeFile => PathOf("docker-compose.yml");
    public static string Dockerfile => PathOf("Dockerfile");
    public static string DockerIgnore => PathOf(".dockerignore");
    public static string KubernetesDirectory => PathOf("deploy/kubernetes");

    /// <summary>Absolute path of a file given relative to the repository root with forward slashes.</summary>
    public static string PathOf(string relative) =>
        Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PgReachExporter.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No PgReachExporter.sln above {AppContext.BaseDirectory}.");
    }
}

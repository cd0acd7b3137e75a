using PgReachExporter.Configuration;

namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>docs/deployment.md says one file_sd file serves Prometheus's /probe jobs and the agent's TargetFiles: the example does.</summary>
public sealed class DiscoveryFileExampleTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pgreach-sd-example-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_probe_example_file_sd_file_reads_as_target_files_with_the_jobs_default_module()
    {
        var example = RepositoryLayout.PathOf("deploy/prometheus/pgreach-probe-targets.example.yml");
        var config = Path.Combine(_directory, "pgreach.json");
        File.WriteAllText(config, $$"""
            { "PgReach": {
                "Modules": {
                  "app": { "Username": "app", "Database": "app", "ConnectTimeout": "3s", "Allow": ["10.0.0.0/8"] },
                  "pgbouncer": { "Username": "app", "Database": "pgbouncer", "ConnectTimeout": "3s", "Allow": ["10.0.0.0/8"] } },
                "TargetFiles": [ { "Path": "{{example}}", "Module": "app" } ],
                "TargetInfoLabels": ["vantage"] } }
            """);

        var settings = new AgentConfigurationSources(_directory, "Production", config, []).ReadSettings(new LibpqEnvironment(new Dictionary<string, string?>()));

        Assert.Equal(["orders-db.db.internal:5432", "billing-db.db.internal:5432", "10.20.0.15:6432"], settings.Targets.Select(t => t.Name));
        Assert.Equal(["app", "app", "pgbouncer"], settings.Targets.Select(t => t.Database));
        Assert.All(settings.Targets, t => Assert.Equal<string>(["eu-west-1a"], settings.TargetInfo[t.Name]));
    }
}

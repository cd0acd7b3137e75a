namespace PgReachExporter.IntegrationTests.Deploy;

public sealed class PrometheusConfigTests
{
    public static TheoryData<string> ScrapeConfigs => new()
    {
        "deploy/prometheus/prometheus.yml",
        "deploy/prometheus/prometheus.multi-vantage.example.yml",
    };

    [Theory]
    [MemberData(nameof(ScrapeConfigs))]
    public async Task Promtool_accepts_the_scrape_configuration_and_its_rule_file(string file)
    {
        var rules = PrometheusRuleFile.Load(RepositoryLayout.AlertRules);

        var result = await ExternalTool.Promtool.RunAsync(["check", "config", RepositoryLayout.PathOf(file)]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("is valid prometheus config file syntax", result.Output);
        Assert.Contains($"SUCCESS: {rules.Alerts.Count + rules.Recordings.Count} rules found", result.Output);
    }

    [Theory]
    [MemberData(nameof(ScrapeConfigs))]
    public void Every_agent_is_scraped_in_job_pgreach_with_a_vantage_label(string file)
    {
        var config = YamlFile.Load(RepositoryLayout.PathOf(file));

        var job = Assert.Single(config["scrape_configs"].Items(), job => job["job_name"]?.ToString() == "pgreach");
        Assert.Equal("/metrics", job["metrics_path"]?.ToString() ?? "/metrics");
        Assert.All(job["static_configs"].Items(), group =>
        {
            Assert.False(string.IsNullOrWhiteSpace(group["labels"]?["vantage"]?.ToString()), $"a target group in {file} has no vantage label");
            Assert.All(group["targets"].Strings(), target => Assert.EndsWith(":9930", target));
        });
    }

    [Fact]
    public void The_multi_vantage_example_watches_from_several_vantage_points()
    {
        var config = YamlFile.Load(RepositoryLayout.MultiVantageExample);

        var vantages = config["scrape_configs"].Items()
            .SelectMany(job => job["static_configs"].Items())
            .Select(group => group["labels"]?["vantage"]?.ToString())
            .Distinct()
            .ToArray();

        Assert.True(vantages.Length >= 3, $"only {vantages.Length} vantage points");
    }

    [Fact]
    public async Task Promtool_accepts_the_probe_example()
    {
        var result = await ExternalTool.Promtool.RunAsync(["check", "config", RepositoryLayout.ProbeExample]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("is valid prometheus config file syntax", result.Output);
    }

    [Fact]
    public void The_probe_example_relabels_discovered_targets_onto_the_agent_s_probe_endpoint()
    {
        var job = Assert.Single(YamlFile.Load(RepositoryLayout.ProbeExample)["scrape_configs"].Items());

        Assert.Equal("/probe", job["metrics_path"]?.ToString());
        Assert.NotEmpty(job["file_sd_configs"].Items());
        Assert.Equal(["app"], job["params"]?["module"].Strings());
        var relabels = job["relabel_configs"].Items().ToArray();
        Assert.Contains(relabels, r => r["source_labels"].Strings().SequenceEqual(["__address__"]) && r["target_label"]?.ToString() == "__param_target");
        Assert.Contains(relabels, r => r["source_labels"].Strings().SequenceEqual(["__param_target"]) && r["target_label"]?.ToString() == "instance");
        Assert.Contains(relabels, r => r["target_label"]?.ToString() == "__address__" && r["replacement"]?.ToString()?.EndsWith(":9930", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void The_probe_targets_example_lists_host_and_port_targets_and_may_pick_a_module()
    {
        var groups = YamlFile.Load(RepositoryLayout.ProbeTargetsExample).Items().ToArray();

        Assert.All(groups.SelectMany(g => g["targets"].Strings()), target => Assert.Matches(@"^[a-z0-9.-]+:\d+$", target));
        Assert.Contains(groups, g => !string.IsNullOrEmpty(g["labels"]?["__param_module"]?.ToString()));
    }
}

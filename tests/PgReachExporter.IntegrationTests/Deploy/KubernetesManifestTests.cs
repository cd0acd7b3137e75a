using System.Text.Json.Nodes;

namespace PgReachExporter.IntegrationTests.Deploy;

public sealed class KubernetesManifestTests
{
    private static readonly string Generator = Path.Combine(RepositoryLayout.KubernetesDirectory, "generate-prometheusrule.sh");
    private static readonly string PrometheusRule = Path.Combine(RepositoryLayout.KubernetesDirectory, "prometheusrule.yaml");

    [Fact]
    public async Task The_committed_PrometheusRule_is_what_the_generator_makes_from_alerts_yml()
    {
        var result = await ExternalTool.Bash.RunAsync([Generator, "--stdout"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(
            result.StandardOutput == File.ReadAllText(PrometheusRule),
            "deploy/kubernetes/prometheusrule.yaml is out of date: run deploy/kubernetes/generate-prometheusrule.sh");
    }

    [Fact]
    public void The_PrometheusRule_carries_exactly_the_groups_of_alerts_yml()
    {
        var rule = YamlFile.Load(PrometheusRule);

        Assert.Equal("monitoring.coreos.com/v1", rule["apiVersion"]?.ToString());
        Assert.Equal("PrometheusRule", rule["kind"]?.ToString());
        Assert.True(
            JsonNode.DeepEquals(YamlFile.Load(RepositoryLayout.AlertRules)["groups"], rule["spec"]?["groups"]),
            "spec.groups differs from deploy/prometheus/alerts.yml");
    }

    [Fact]
    public void The_kustomization_lists_existing_manifests_including_the_generated_rule()
    {
        var resources = YamlFile.Load(Manifest("kustomization.yaml"))["resources"].Strings().ToArray();

        Assert.Contains("prometheusrule.yaml", resources);
        Assert.All(resources, resource => Assert.True(File.Exists(Manifest(resource)), $"kustomization lists missing {resource}"));
        Assert.Superset(
            new HashSet<string> { "Deployment", "ConfigMap", "Service", "ServiceMonitor", "PrometheusRule" },
            resources.Select(resource => YamlFile.Load(Manifest(resource))["kind"]!.ToString()).ToHashSet());
    }

    [Fact]
    public void The_agent_container_serves_metrics_and_health_on_the_agent_port_as_non_root()
    {
        var pod = YamlFile.Load(Manifest("deployment.yaml"))["spec"]!["template"]!["spec"]!;
        var container = Assert.Single(pod["containers"].Items());

        var port = Assert.Single(container["ports"].Items());
        Assert.Equal("9930", port["containerPort"]?.ToString());
        var portName = port["name"].Text("container port name");
        foreach (var probe in new[] { "livenessProbe", "readinessProbe" })
        {
            Assert.Equal("/healthz", container[probe]?["httpGet"]?["path"]?.ToString());
            Assert.Equal(portName, container[probe]?["httpGet"]?["port"]?.ToString());
        }

        Assert.Equal("true", pod["securityContext"]?["runAsNonRoot"]?.ToString());
        Assert.Equal("false", container["securityContext"]?["allowPrivilegeEscalation"]?.ToString());
    }

    [Fact]
    public void The_configuration_file_comes_from_the_ConfigMap_and_passwords_from_the_Secret()
    {
        var pod = YamlFile.Load(Manifest("deployment.yaml"))["spec"]!["template"]!["spec"]!;
        var container = Assert.Single(pod["containers"].Items());
        var args = container["args"].Strings().ToArray();
        var configPath = args[Array.IndexOf(args, "--config") + 1];

        var mounts = container["volumeMounts"].Items().ToDictionary(mount => mount["name"]!.ToString(), mount => mount["mountPath"]!.ToString());
        var volumes = pod["volumes"].Items().ToDictionary(volume => volume["name"]!.ToString());

        var configVolume = Assert.Single(mounts, mount => configPath.StartsWith(mount.Value + "/", StringComparison.Ordinal));
        var configMap = YamlFile.Load(Manifest("configmap.yaml"));
        Assert.Equal(configMap["metadata"]!["name"]!.ToString(), volumes[configVolume.Key]["configMap"]?["name"]?.ToString());
        var fileName = configPath[(configVolume.Value.Length + 1)..];
        var config = JsonNode.Parse(configMap["data"]![fileName].Text($"ConfigMap key {fileName}"))!;

        var secretMount = Assert.Single(mounts, mount => volumes[mount.Key]["secret"] is not null);
        Assert.False(string.IsNullOrEmpty(volumes[secretMount.Key]["secret"]?["secretName"]?.ToString()));
        var targets = config["PgReach"]?["Targets"].Items().ToArray() ?? [];
        Assert.NotEmpty(targets);
        Assert.All(targets, target => Assert.StartsWith(secretMount.Value + "/", target["PasswordFile"].Text("PasswordFile")));
        var passfile = container["env"].Items().Single(env => env["name"]?.ToString() == "PGPASSFILE")["value"].Text("PGPASSFILE");
        Assert.StartsWith(secretMount.Value + "/", passfile);
    }

    [Fact]
    public void The_ServiceMonitor_scrapes_the_agent_service_as_job_pgreach_with_a_vantage()
    {
        var service = YamlFile.Load(Manifest("service.yaml"));
        var monitor = YamlFile.Load(Manifest("servicemonitor.yaml"));
        var deployment = YamlFile.Load(Manifest("deployment.yaml"));

        var serviceLabels = service["metadata"]!["labels"]!.AsObject();
        Assert.All(monitor["spec"]!["selector"]!["matchLabels"]!.AsObject(), label =>
            Assert.Equal(label.Value?.ToString(), serviceLabels[label.Key]?.ToString()));
        Assert.All(service["spec"]!["selector"]!.AsObject(), label =>
            Assert.Equal(label.Value?.ToString(), deployment["spec"]!["template"]!["metadata"]!["labels"]![label.Key]?.ToString()));

        // The alert rules select job="pgreach": the job label comes from the Service label named by jobLabel.
        Assert.Equal("pgreach", serviceLabels[monitor["spec"]!["jobLabel"].Text("jobLabel")]?.ToString());

        var servicePort = Assert.Single(service["spec"]!["ports"].Items());
        Assert.Equal("9930", servicePort["port"]?.ToString());
        var endpoint = Assert.Single(monitor["spec"]!["endpoints"].Items());
        Assert.Equal(servicePort["name"]?.ToString(), endpoint["port"]?.ToString());
        Assert.Equal("/metrics", endpoint["path"]?.ToString());
        Assert.Contains(endpoint["relabelings"].Items(), relabel =>
            relabel["targetLabel"]?.ToString() == "vantage" && !string.IsNullOrEmpty(relabel["replacement"]?.ToString()));
    }

    [Fact]
    public void The_Probe_asks_the_agent_service_s_probe_endpoint_with_a_module_the_agent_has()
    {
        var probe = YamlFile.Load(Manifest("probe.yaml"));
        var service = YamlFile.Load(Manifest("service.yaml"));
        var configMap = YamlFile.Load(Manifest("configmap.yaml"));
        var config = JsonNode.Parse(configMap["data"]!["pgreach.json"].Text("ConfigMap key pgreach.json"))!;

        Assert.Equal("monitoring.coreos.com/v1", probe["apiVersion"]?.ToString());
        Assert.Equal("Probe", probe["kind"]?.ToString());
        var port = Assert.Single(service["spec"]!["ports"].Items())["port"]?.ToString();
        Assert.Equal($"{service["metadata"]!["name"]}:{port}", probe["spec"]!["prober"]!["url"]?.ToString());
        Assert.Equal("/probe", probe["spec"]!["prober"]!["path"]?.ToString());
        var module = probe["spec"]!["module"].Text("module");
        Assert.NotNull(config["PgReach"]?["Modules"]?[module]?["Allow"]);
        Assert.All(probe["spec"]!["targets"]!["staticConfig"]!["static"].Strings(), target => Assert.Matches(@"^[a-z0-9.-]+:\d+$", target));
        Assert.Contains("probe.yaml", YamlFile.Load(Manifest("kustomization.yaml"))["resources"].Strings());
    }

    private static string Manifest(string name) => Path.Combine(RepositoryLayout.KubernetesDirectory, name);
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PgReachExporter.Configuration;

namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>deploy/kubernetes/sharded: a StatefulSet of shards sharing one ConfigMap, a headless Service, a PodMonitor.</summary>
public sealed partial class ShardedKubernetesManifestTests : IDisposable
{
    private static readonly string Directory = Path.Combine(RepositoryLayout.KubernetesDirectory, "sharded");
    private readonly string _scratch = System.IO.Directory.CreateTempSubdirectory("pgreach-k8s-").FullName;

    public void Dispose() => System.IO.Directory.Delete(_scratch, recursive: true);

    private static JsonNode Load(string name) => YamlFile.Load(Path.Combine(Directory, name));

    private static JsonNode PodSpec => Load("statefulset.yaml")["spec"]!["template"]!["spec"]!;

    [Fact]
    public void The_kustomization_lists_a_StatefulSet_its_headless_Service_a_PodMonitor_and_the_ConfigMap()
    {
        var resources = Load("kustomization.yaml")["resources"].Strings().ToArray();

        Assert.All(resources, r => Assert.True(File.Exists(Path.Combine(Directory, r)), $"kustomization lists missing {r}"));
        Assert.Equal(new HashSet<string> { "ConfigMap", "StatefulSet", "Service", "PodMonitor" }, resources.Select(r => Load(r)["kind"]!.ToString()).ToHashSet());
    }

    [Fact]
    public void Each_pod_takes_its_shard_from_its_ordinal_and_the_shard_count_is_the_replica_count()
    {
        var set = Load("statefulset.yaml");
        var service = Load("service.yaml");
        var args = Assert.Single(PodSpec["containers"].Items())["args"].Strings().ToArray();

        var shard = ShardArgument().Match(args[Array.IndexOf(args, "--shard") + 1]);
        Assert.True(shard.Success, string.Join(' ', args));
        Assert.Equal(set["spec"]!["replicas"]!.ToString(), shard.Groups["count"].Value);
        Assert.Equal(service["metadata"]!["name"]!.ToString(), set["spec"]!["serviceName"]!.ToString());
        Assert.Equal("None", service["spec"]!["clusterIP"]!.ToString());
        var podLabels = set["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        Assert.All(service["spec"]!["selector"]!.AsObject(), l => Assert.Equal(l.Value?.ToString(), podLabels[l.Key]?.ToString()));
        Assert.All(set["spec"]!["selector"]!["matchLabels"]!.AsObject(), l => Assert.Equal(l.Value?.ToString(), podLabels[l.Key]?.ToString()));
    }

    [Fact]
    public void The_PodMonitor_scrapes_every_pod_as_job_pgreach_with_a_vantage()
    {
        var monitor = Load("podmonitor.yaml")["spec"]!;
        var podLabels = Load("statefulset.yaml")["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        var port = Assert.Single(Assert.Single(PodSpec["containers"].Items())["ports"].Items());

        Assert.All(monitor["selector"]!["matchLabels"]!.AsObject(), l => Assert.Equal(l.Value?.ToString(), podLabels[l.Key]?.ToString()));
        Assert.Equal("pgreach", podLabels[monitor["jobLabel"].Text("jobLabel")]?.ToString());
        var endpoint = Assert.Single(monitor["podMetricsEndpoints"].Items());
        Assert.Equal(port["name"]?.ToString(), endpoint["port"]?.ToString());
        Assert.Equal("/metrics", endpoint["path"]?.ToString());
        Assert.Contains(endpoint["relabelings"].Items(), r => r["targetLabel"]?.ToString() == "vantage" && !string.IsNullOrEmpty(r["replacement"]?.ToString()));
    }

    [Fact]
    public void The_ConfigMap_is_a_valid_configuration_whose_targets_the_shards_split_between_them()
    {
        var container = Assert.Single(PodSpec["containers"].Items());
        var args = container["args"].Strings().ToArray();
        var mount = container["volumeMounts"].Items().Single(m => m["name"]?.ToString() == "config")["mountPath"]!.ToString();
        var configKey = Path.GetFileName(args[Array.IndexOf(args, "--config") + 1]);
        Assert.Equal($"{mount}/{configKey}", args[Array.IndexOf(args, "--config") + 1]);
        var count = int.Parse(ShardArgument().Match(args[Array.IndexOf(args, "--shard") + 1]).Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture);

        // The ConfigMap's files as the pod sees them, with the Secret's password file standing in at a scratch path.
        var secret = Path.Combine(_scratch, "app-password");
        File.WriteAllText(secret, "pw\n");
        foreach (var (key, value) in Load("configmap.yaml")["data"]!.AsObject())
        {
            File.WriteAllText(Path.Combine(_scratch, key), value!.ToString().Replace("/run/secrets/pgreach/app-password", secret, StringComparison.Ordinal));
        }

        var sources = new AgentConfigurationSources(_scratch, "Production", Path.Combine(_scratch, configKey), []);
        var all = sources.ReadSettings(new LibpqEnvironment(new Dictionary<string, string?>()));
        var shards = Enumerable.Range(0, count).Select(i => (sources with { Shard = new ShardSelection(i, count) }).ReadSettings(new LibpqEnvironment(new Dictionary<string, string?>()))).ToList();

        Assert.Equal(7, all.Targets.Length);
        Assert.Equal<string>(["team", "env"], all.TargetInfoLabels);
        Assert.Equal(all.Targets.Select(t => t.Name).Order(), shards.SelectMany(s => s.Targets).Select(t => t.Name).Order());
        Assert.All(shards, s => Assert.Equal(all.Targets.Length, s.ConfiguredTargetCount));
    }

    [GeneratedRegex(@"^auto/(?<count>\d+)$")]
    private static partial Regex ShardArgument();
}

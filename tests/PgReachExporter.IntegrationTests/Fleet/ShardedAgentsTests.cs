using System.Net;
using System.Text.Json;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;

namespace PgReachExporter.IntegrationTests.Fleet;

/// <summary>Two agent processes on one configuration, one with --shard 0/2 and one with --shard auto/2 as StatefulSet pod pgreach-1.</summary>
public sealed class ShardedAgentsTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("pgreach-shards-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Two_shards_probe_disjoint_sets_whose_union_is_every_configured_target()
    {
        // Refused ports on loopback: every target answers within a cycle, nothing needs a server.
        var discovered = Enumerable.Range(0, 16).Select(_ => $"127.0.0.1:{FreePort.Allocate(IPAddress.Loopback)}").Distinct().ToList();
        Directory.CreateDirectory(Path.Combine(_directory, "targets"));
        await File.WriteAllTextAsync(Path.Combine(_directory, "targets", "fleet.json"),
            JsonSerializer.Serialize(new[] { new Dictionary<string, object> { ["targets"] = discovered, ["labels"] = new Dictionary<string, string> { ["__param_module"] = "app" } } }));
        var config = Path.Combine(_directory, "pgreach.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            PgReach = new
            {
                Interval = "1s",
                ConnectTimeout = "300ms",
                Targets = new[] { new { Name = "main-a", Host = "127.0.0.1", Port = FreePort.Allocate(IPAddress.Loopback) }, new { Name = "main-b", Host = "127.0.0.1", Port = FreePort.Allocate(IPAddress.Loopback) } },
                Modules = new Dictionary<string, object> { ["app"] = new { Username = "probe", Database = "postgres", SslMode = "Disable", ConnectTimeout = "300ms", Allow = new[] { "127.0.0.0/8" } } },
                TargetFiles = new[] { "targets/*.json" },
            },
        }));
        string[] all = ["main-a", "main-b", .. discovered];

        await using var first = AgentProcess.Start(["--config", config, "--urls", "http://127.0.0.1:0", "--shard", "0/2"]);
        await using var second = AgentProcess.Start(["--config", config, "--urls", "http://127.0.0.1:0", "--shard", "auto/2"], new Dictionary<string, string?> { ["HOSTNAME"] = "pgreach-1" });
        var shards = await Task.WhenAll(ProbedAsync(first, all.Length), ProbedAsync(second, all.Length));

        Assert.Empty(shards[0].Targets.Intersect(shards[1].Targets));
        Assert.Equal(all.Order(), shards[0].Targets.Union(shards[1].Targets).Order());
        Assert.All(shards, s => Assert.NotEmpty(s.Targets));
        Assert.Equal(1, shards[0].Scrape.Value("pgreach_shard_info", "shard=0", "shards=2"));
        Assert.Equal(1, shards[1].Scrape.Value("pgreach_shard_info", "shard=1", "shards=2"));
        using var http = new HttpClient { BaseAddress = await second.WaitUntilListeningAsync(), Timeout = TimeSpan.FromSeconds(10) };
        Assert.Contains($"shard 1/2: {shards[1].Targets.Count} of {all.Length} configured targets", await http.GetStringAsync("/"));
    }

    /// <summary>Waits until every target of the agent's shard has a TCP result, and returns them with that scrape.</summary>
    private static async Task<(HashSet<string> Targets, Scrape Scrape)> ProbedAsync(AgentProcess agent, int configured)
    {
        using var http = new HttpClient { BaseAddress = await agent.WaitUntilListeningAsync(), Timeout = TimeSpan.FromSeconds(10) };
        var scrape = await MetricsPoller.WaitForAsync(http, s => s.Value("pgreach_configured_targets") == configured
            && s.Value("pgreach_targets") is { } kept && s.Find("pgreach_tcp_connect_result").Where(m => m.Value == 1).Select(m => m["target"]).Distinct().Count() == (int)kept,
            Bound, "every target of the shard probed");
        return ([.. scrape.Find("pgreach_tcp_connect_result").Select(m => m["target"]!)], scrape);
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Deploy;
using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.Lab;
using static PgReachExporter.IntegrationTests.Probe.ProbeAgent;

namespace PgReachExporter.IntegrationTests.EndToEnd;

/// <summary>
/// The multi-target pattern end to end: a real Prometheus running the committed relabelling example
/// (deploy/prometheus/prometheus.probe.example.yml) with a file_sd file scrapes the agent's /probe for a healthy server,
/// a closed port and a black hole, and the right series land in its TSDB.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class ProbeScrapeTests(ClusterFixture fixture) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("pgreach-probe-e2e-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Prometheus_with_file_sd_scrapes_probe_for_healthy_refused_and_black_holed_targets()
    {
        var cluster = await fixture.NewClusterAsync();
        await cluster.CreateRoleAsync("app", Password);
        await cluster.CreateDatabaseAsync("orders", "app");
        var refusedPort = FreePort.Allocate(IPAddress.Loopback);
        await using var hole = await BlackHoleListener.StartAsync(IPAddress.Loopback);
        var (healthy, refused, blackHoled) = ($"127.0.0.1:{cluster.Port}", $"127.0.0.1:{refusedPort}", $"127.0.0.1:{hole.Port}");

        var configFile = Path.Combine(_directory, "targets.json");
        var configured = RunningAgent.Target("unrelated", "127.0.0.1", refusedPort, timeout: "500ms");
        await File.WriteAllTextAsync(configFile, JsonSerializer.Serialize(Config(configured, new() { ["app"] = Module(["127.0.0.1/32"], timeout: "3s") })));
        await using var agent = AgentProcess.Start(["--config", configFile, "--urls", "http://127.0.0.1:0"]);
        var agentAddress = await agent.WaitUntilListeningAsync();

        var targets = $"- targets: [\"{healthy}\", \"{refused}\", \"{blackHoled}\"]\n  labels:\n    vantage: e2e\n";
        await using var prometheus = await PrometheusProcess.StartAsync(ScrapeConfig(agentAddress), ("probe-targets.yml", targets));

        var success = await WaitForAsync(prometheus, "pgreach_probe_success{job=\"pgreach_probe\"}", 3);
        Assert.Equal(1, ValueOf(success, healthy));
        Assert.Equal(0, ValueOf(success, refused));
        Assert.Equal(0, ValueOf(success, blackHoled));

        var diagnosis = await WaitForAsync(prometheus, "pgreach_diagnosis{job=\"pgreach_probe\"}", 3);
        Assert.Equal(["ok"], CausesOf(diagnosis, healthy));
        Assert.Contains("listener_down", CausesOf(diagnosis, refused));
        Assert.Contains("firewall_drop", CausesOf(diagnosis, blackHoled));

        var tcp = await prometheus.QueryAsync($"pgreach_tcp_connect_result{{job=\"pgreach_probe\",instance=\"{blackHoled}\"}} == 1");
        Assert.Equal("timeout", Assert.Single(tcp)!["metric"]!["result"]!.ToString());
        Assert.Empty(await prometheus.QueryAsync("{job=\"pgreach_probe\",__name__=~\".+_total\"}"));
        var up = await prometheus.QueryAsync("up{job=\"pgreach_probe\"}");
        Assert.Equal(3, up.Count);
        Assert.All(up, sample => Assert.Equal("1", sample!["value"]![1]!.ToString()));
    }

    /// <summary>The committed example, pointed at the test's file_sd file and agent, with a short interval.</summary>
    private static string ScrapeConfig(Uri agent)
    {
        var text = File.ReadAllText(RepositoryLayout.ProbeExample);
        string[] expected = ["\"/etc/prometheus/pgreach-probe/*.yml\"", "replacement: pgreach:9930", "scrape_interval: 15s", "scrape_timeout: 10s"];
        Assert.All(expected, token => Assert.Contains(token, text));
        return text
            .Replace(expected[0], "\"probe-targets.yml\"", StringComparison.Ordinal)
            .Replace(expected[1], $"replacement: {agent.Authority}", StringComparison.Ordinal)
            .Replace(expected[2], "scrape_interval: 3s", StringComparison.Ordinal)
            .Replace(expected[3], "scrape_timeout: 2500ms", StringComparison.Ordinal);
    }

    private static async Task<JsonArray> WaitForAsync(PrometheusProcess prometheus, string promQl, int series)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var result = await prometheus.QueryAsync(promQl);
            if (result.Select(s => s!["metric"]!["instance"]!.ToString()).Distinct().Count() >= series || waited.Elapsed > Bound)
            {
                return result;
            }

            await Task.Delay(250);
        }
    }

    private static double ValueOf(JsonArray result, string instance) =>
        double.Parse(result.Single(s => s!["metric"]!["instance"]!.ToString() == instance)!["value"]![1]!.ToString(), CultureInfo.InvariantCulture);

    private static string[] CausesOf(JsonArray result, string instance) =>
        [.. result.Where(s => s!["metric"]!["instance"]!.ToString() == instance).Select(s => s!["metric"]!["cause"]!.ToString())];
}

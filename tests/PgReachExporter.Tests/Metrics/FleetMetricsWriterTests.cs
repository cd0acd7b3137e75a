using System.Collections.Immutable;
using PgReachExporter.Configuration;
using PgReachExporter.Metrics;

namespace PgReachExporter.Tests.Metrics;

public sealed class FleetMetricsWriterTests
{
    private static TargetDefinition Target(string name) => new()
    {
        Name = name, Host = "10.0.0.1", Port = 5432, Database = "postgres", Username = "probe",
        ConnectTimeout = TimeSpan.FromSeconds(1), Interval = TimeSpan.FromSeconds(15),
    };

    private static AgentSettings Settings(string[] labels, Dictionary<string, string[]> info, params string[] targets) => new()
    {
        Targets = [.. targets.Select(Target)],
        Source = "test",
        TargetInfoLabels = [.. labels],
        TargetInfo = info.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray()),
    };

    [Fact]
    public async Task Target_info_has_the_listed_labels_for_every_probed_target_and_drops_a_target_that_goes()
    {
        var metrics = new MetricsUnderTest();
        FleetMetricsWriter.Write(Settings(["env", "team"], new() { ["a"] = ["prod", "pay\"ments"] }, "a", "b"), metrics.Families);

        var text = await metrics.ScrapeAsync();

        Assert.Contains("# HELP pgreach_target_info ", text);
        Assert.Contains("# TYPE pgreach_target_info gauge", text);
        Assert.Contains("pgreach_target_info{target=\"a\",env=\"prod\",team=\"pay\\\"ments\"} 1\n", text);
        Assert.Contains("pgreach_target_info{target=\"b\",env=\"\",team=\"\"} 1\n", text);
        Assert.Contains("pgreach_configured_targets 2\n", text);

        FleetMetricsWriter.Write(Settings(["env"], new() { ["b"] = ["dev"] }, "b"), metrics.Families);
        text = await metrics.ScrapeAsync();

        Assert.DoesNotContain("target=\"a\"", text);
        Assert.Contains("pgreach_target_info{target=\"b\",env=\"dev\"} 1\n", text);
    }

    [Fact]
    public async Task Without_listed_labels_target_info_has_no_series()
    {
        var metrics = new MetricsUnderTest();
        FleetMetricsWriter.Write(Settings([], [], "a"), metrics.Families);

        var text = await metrics.ScrapeAsync();

        Assert.DoesNotContain("pgreach_target_info{", text);
    }

    [Fact]
    public async Task The_configured_count_is_before_the_shard_took_its_share()
    {
        var metrics = new MetricsUnderTest();
        var all = Settings([], [], [.. Enumerable.Range(0, 50).Select(i => $"db{i}:5432")]);
        var shard = new ShardSelection(1, 3).Apply(all);
        FleetMetricsWriter.Write(shard, metrics.Families);

        var text = await metrics.ScrapeAsync();

        Assert.Contains("pgreach_configured_targets 50\n", text);
        Assert.InRange(shard.Targets.Length, 5, 30);
    }
}

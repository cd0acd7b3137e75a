using System.Text.Json;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;
using static PgReachExporter.IntegrationTests.HostSignals.HostSignalTargets;

namespace PgReachExporter.IntegrationTests.HostSignals;

/// <summary>Logs that appear late, and targets whose host view comes and goes with the configuration.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class HostSignalLifecycleTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Log_that_does_not_exist_yet_is_reported_missing_and_read_from_its_start_once_the_server_writes_it()
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { HbaLines = RejectingHba });
        await cluster.CreateRoleAsync("app", AppPassword);
        var later = Path.Combine(cluster.LogDirectory, "later.log");
        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(LogTarget("db", cluster, later)));
        await agent.WaitForAsync(s => s.Value("pgreach_log_read_errors_total", "target=db", "reason=missing") == 1);

        await cluster.ExecuteAsync("ALTER SYSTEM SET log_filename = 'later.log'");
        await cluster.ReloadAsync();
        await cluster.ExecuteAsync("SELECT pg_rotate_logfile()");
        for (var i = 0; i < 3; i++)
        {
            await FailPasswordAsync(cluster);
        }

        var scrape = await WaitForCountsAsync(agent, "db", new Dictionary<string, double> { ["password_failed"] = 3 });
        Assert.True(File.Exists(later));
        Assert.Equal(1, scrape.Value("pgreach_log_read_errors_total", "target=db", "reason=missing"));
    }

    [Fact]
    public async Task Removed_target_loses_its_host_series_and_the_others_keep_counting()
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { HbaLines = RejectingHba });
        await cluster.CreateRoleAsync("app", AppPassword);
        var keep = LogTarget("keep", cluster, cluster.LogFilePath, host: "127.0.0.1");
        var gone = LogTarget("gone", cluster, cluster.LogFilePath, host: "127.0.0.1");
        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(keep, gone));
        // Both read the same file, each with its own reader that starts at the end: wait for each (one may start later).
        await WaitUntilReadingAsync(agent, "gone", cluster);
        await WaitUntilReadingAsync(agent, "keep", cluster);
        var before = await agent.WaitForAsync(s => s.Value("pgreach_listener_present", "target=gone") == 1
            && s.Value("pgreach_listener_present", "target=keep") == 1 && Count(s, "keep", "password_failed") >= 1);

        await File.WriteAllTextAsync(agent.ConfigFile, JsonSerializer.Serialize(RunningAgent.Config(keep)));
        await agent.WaitForAsync(s => !s.Find("pgreach_up", "target=gone").Any(), TimeSpan.FromSeconds(15), "gone removed");
        var counted = Count(before, "keep", "password_failed");
        await FailPasswordAsync(cluster);

        var after = await agent.WaitForAsync(s => Count(s, "keep", "password_failed") > counted, TimeSpan.FromSeconds(15), "keep counting");
        Assert.DoesNotContain("target=\"gone\"", after.Text, StringComparison.Ordinal);
        Assert.Equal(1, after.Value("pgreach_listener_present", "target=keep"));
    }
}

using System.Text.Json;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;
using static PgReachExporter.IntegrationTests.HostSignals.HostSignalTargets;

namespace PgReachExporter.IntegrationTests.HostSignals;

/// <summary>
/// A server log the agent may not read, for real: the tests run as root, whom file modes do not stop, so the agent runs
/// as its own process without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (setpriv), and the server writes its log with
/// log_file_mode 0600 as the postgres user.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class UnreadableLogTests(ClusterFixture fixture) : IDisposable
{
    private static readonly string[] WithoutFileOverride =
        ["setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"];

    private readonly string _directory = Directory.CreateTempSubdirectory("pgreach-unreadable-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Unreadable_log_is_reported_retried_and_read_once_readable_without_losing_a_later_file()
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions
        {
            HbaLines = RejectingHba,
            ExtraConfig = new Dictionary<string, string> { ["log_file_mode"] = "0600", ["log_filename"] = "postgresql-%Y%m%d-%H%M%S.log" },
        });
        await cluster.CreateRoleAsync("app", AppPassword);
        var config = Path.Combine(_directory, "pgreach.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(
            RunningAgent.Config(LogTarget("db", cluster, Path.Combine(cluster.LogDirectory, "postgresql-*.log")))));
        await using var agent = AgentProcess.Start(["--config", config, "--urls", "http://127.0.0.1:0"], launcher: WithoutFileOverride);
        using var http = new HttpClient { BaseAddress = await agent.WaitUntilListeningAsync(), Timeout = TimeSpan.FromSeconds(10) };

        // Unreadable at start-up: reported, retried with backoff, and read from its end once readable.
        await MetricsPoller.WaitForAsync(http, s => ReadErrors(s, "permission_denied") == 1, TimeSpan.FromSeconds(20), "permission denied at start-up");
        MakeReadable(CurrentLogFile(cluster));
        var counted = await WaitUntilReadingAsync(http, "db", cluster);

        // The collector opens a new file, again 0600: what the server writes there while the agent may not read it is
        // read from the file's start once it may.
        var before = CurrentLogFile(cluster);
        await RotateAsync(cluster, before);
        await MetricsPoller.WaitForAsync(http, s => ReadErrors(s, "permission_denied") == 2, TimeSpan.FromSeconds(20), "permission denied after rotation");
        for (var i = 0; i < 5; i++)
        {
            await FailPasswordAsync(cluster);
        }

        MakeReadable(CurrentLogFile(cluster));
        var scrape = await WaitForCountsAsync(http, "db", new Dictionary<string, double> { ["password_failed"] = counted + 5 }, TimeSpan.FromSeconds(90));

        Assert.Equal(2, ReadErrors(scrape, "permission_denied"));
        Assert.Equal(0, ReadErrors(scrape, "missing"));
        Assert.Contains("Cannot read the server log (permission_denied)", agent.Output, StringComparison.Ordinal);
        Assert.Contains("is readable again", agent.Output, StringComparison.Ordinal);
    }

    private static double? ReadErrors(Scrape scrape, string reason) =>
        scrape.Value("pgreach_log_read_errors_total", "target=db", $"reason={reason}");

    private static string CurrentLogFile(PostgresCluster cluster) =>
        Directory.GetFiles(cluster.LogDirectory, "postgresql-*.log").OrderBy(f => f, StringComparer.Ordinal).Last();

    private static void MakeReadable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
        }
    }

    /// <summary>pg_rotate_logfile() until the collector opens a file of a new name (names change once a second).</summary>
    private static async Task RotateAsync(PostgresCluster cluster, string current)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (CurrentLogFile(cluster) == current)
        {
            Assert.True(DateTime.UtcNow < deadline, "the collector opened no new file");
            await cluster.ExecuteAsync("SELECT pg_rotate_logfile()");
            await Task.Delay(100);
        }
    }
}

using PgReachExporter.Configuration;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;
using static PgReachExporter.IntegrationTests.HostSignals.HostSignalTargets;

namespace PgReachExporter.IntegrationTests.HostSignals;

/// <summary>
/// The server keeps writing while its log is rotated, by PostgreSQL itself and the ways logrotate does it: every event
/// is counted exactly once and the agent keeps going. A last, different event written after everything else tells the
/// test that the agent has read up to the end, so a double count would show.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class LogRotationTests(ClusterFixture fixture)
{
    private const int Failures = 90;
    private const int Rotations = 3;

    [Theory]
    [InlineData("stderr", "log")]
    [InlineData("csvlog", "csv")]
    [InlineData("jsonlog", "json")]
    public async Task Rotation_by_the_logging_collector_loses_and_repeats_no_event(string format, string extension)
    {
        await using var cluster = await NewClusterAsync(format, new Dictionary<string, string> { ["log_filename"] = "postgresql-%Y%m%d-%H%M%S.log" });
        var pattern = Path.Combine(cluster.LogDirectory, $"postgresql-*.{extension}");
        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(LogTarget("db", cluster, pattern)));
        var primed = await WaitUntilReadingAsync(agent, "db", cluster);

        var writer = FailedLoginWriter.Start(cluster, Failures);
        for (var rotation = 1; rotation <= Rotations; rotation++)
        {
            await writer.UntilWrittenAsync(rotation * Failures / (Rotations + 1));
            await RotateToNewFileAsync(cluster, $"postgresql-*.{extension}");
        }

        await writer.CompletionAsync();
        var scrape = await FinishAsync(agent, cluster, primed + Failures);
        Assert.True(Directory.GetFiles(cluster.LogDirectory, $"postgresql-*.{extension}").Length >= Rotations + 1);
        Assert.Equal(0, scrape.Value("pgreach_log_read_errors_total", "target=db", "reason=missing"));
    }

    [Fact]
    public async Task Rename_then_reopen_as_logrotate_does_loses_and_repeats_no_event()
    {
        await using var cluster = await NewClusterAsync("stderr");
        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(LogTarget("db", cluster, cluster.LogFilePath)));
        var primed = await WaitUntilReadingAsync(agent, "db", cluster);

        var writer = FailedLoginWriter.Start(cluster, Failures);
        for (var rotation = 1; rotation <= Rotations; rotation++)
        {
            await writer.UntilWrittenAsync(rotation * Failures / (Rotations + 1));
            File.Move(cluster.LogFilePath, $"{cluster.LogFilePath}.{rotation}");
            // logrotate's postrotate step: the collector writes on into the renamed file until told to reopen.
            await cluster.ExecuteAsync("SELECT pg_rotate_logfile()");
            await WaitForFileAsync(cluster.LogFilePath);
        }

        await writer.CompletionAsync();
        var scrape = await FinishAsync(agent, cluster, primed + Failures);
        Assert.Equal(0, scrape.Value("pgreach_log_read_errors_total", "target=db", "reason=missing"));
    }

    [Fact]
    public async Task Copy_truncate_loses_and_repeats_no_event()
    {
        await using var cluster = await NewClusterAsync("stderr");
        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(LogTarget("db", cluster, cluster.LogFilePath)));
        var counted = await WaitUntilReadingAsync(agent, "db", cluster);

        // Lines written between the copy and the truncation live only in the copy (true of copytruncate for any
        // reader), so each round writes, lets the agent read, then copies and truncates; the server keeps its file open.
        for (var round = 1; round <= Rotations; round++)
        {
            for (var i = 0; i < 10; i++)
            {
                await FailPasswordAsync(cluster);
            }

            counted += 10;
            await WaitForCountsAsync(agent, "db", new Dictionary<string, double> { ["password_failed"] = counted });
            File.Copy(cluster.LogFilePath, $"{cluster.LogFilePath}.{round}");
            await using (var truncate = new FileStream(cluster.LogFilePath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                truncate.SetLength(0);
            }
        }

        await FailPasswordAsync(cluster);
        await FinishAsync(agent, cluster, counted + 1);
        Assert.True(new FileInfo(cluster.LogFilePath).Length < new FileInfo($"{cluster.LogFilePath}.{Rotations}").Length);
    }

    [Fact]
    public async Task Deleted_log_re_created_by_the_server_loses_and_repeats_no_event()
    {
        await using var cluster = await NewClusterAsync("stderr");
        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(LogTarget("db", cluster, cluster.LogFilePath)));
        var primed = await WaitUntilReadingAsync(agent, "db", cluster);

        var writer = FailedLoginWriter.Start(cluster, Failures);
        for (var rotation = 1; rotation <= Rotations; rotation++)
        {
            await writer.UntilWrittenAsync(rotation * Failures / (Rotations + 1));
            File.Delete(cluster.LogFilePath);
            // The server writes on into the deleted file until it reopens its log, which creates the file again.
            await writer.UntilWrittenAsync(rotation * Failures / (Rotations + 1) + 5);
            await cluster.ExecuteAsync("SELECT pg_rotate_logfile()");
            await WaitForFileAsync(cluster.LogFilePath);
        }

        await writer.CompletionAsync();
        await FinishAsync(agent, cluster, primed + Failures);
    }

    private async Task<PostgresCluster> NewClusterAsync(string format, Dictionary<string, string>? extra = null)
    {
        var cluster = await fixture.NewClusterAsync(new ClusterOptions { LogFormat = format, HbaLines = RejectingHba, ExtraConfig = extra ?? [] });
        await cluster.CreateRoleAsync("app", AppPassword);
        return cluster;
    }

    /// <summary>Writes the closing event and waits for it, then checks that every failed login was counted once.</summary>
    private static async Task<Scrape> FinishAsync(RunningAgent agent, PostgresCluster cluster, double failedLogins)
    {
        Assert.Equal(Npgsql.PostgresErrorCodes.InvalidAuthorizationSpecification, await LoginAsync(cluster, "stranger_x9", AppPassword));
        var scrape = await agent.WaitForAsync(s => Count(s, "db", "no_hba_entry") == 1, TimeSpan.FromSeconds(20), "the closing event");
        Assert.Equal(failedLogins, Count(scrape, "db", "password_failed"));
        Assert.Equal(0, scrape.Value("pgreach_log_read_errors_total", "target=db", "reason=io"));
        return scrape;
    }

    /// <summary>pg_rotate_logfile() until the collector opens a file of a new name (names change once a second).</summary>
    private static async Task RotateToNewFileAsync(PostgresCluster cluster, string pattern)
    {
        var before = Directory.GetFiles(cluster.LogDirectory, pattern).Length;
        for (var attempt = 0; attempt < 40; attempt++)
        {
            await cluster.ExecuteAsync("SELECT pg_rotate_logfile()");
            if (await UntilAsync(() => Directory.GetFiles(cluster.LogDirectory, pattern).Length > before, TimeSpan.FromMilliseconds(100)))
            {
                return;
            }
        }

        Assert.Fail($"no new {pattern} file after 40 rotations");
    }

    private static async Task WaitForFileAsync(string path)
    {
        Assert.True(await UntilAsync(() => File.Exists(path), TimeSpan.FromSeconds(10)), $"{path} was not created again");
    }

    private static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }
}

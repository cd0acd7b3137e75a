using Npgsql;
using PgReachExporter.Configuration;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;
using static PgReachExporter.IntegrationTests.HostSignals.HostSignalTargets;

namespace PgReachExporter.IntegrationTests.HostSignals;

/// <summary>Real client rejections counted from the real server log, in each log format.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class ServerLogEventsTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData("stderr")]
    [InlineData("csvlog")]
    [InlineData("jsonlog")]
    public async Task Client_rejections_are_counted_from_the_server_log_and_clients_never_become_labels(string format)
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions
        {
            LogFormat = format,
            HbaLines = RejectingHba,
            MaxConnections = 5, // three of them reserved for superusers: two for "app"
        });
        await cluster.CreateRoleAsync("app", AppPassword);
        await cluster.CreateRoleAsync("rejected_r7", AppPassword);
        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(LogTarget("db", cluster, cluster.LogFilePath)));
        var primed = await WaitUntilReadingAsync(agent, "db", cluster);

        Assert.Equal(PostgresErrorCodes.InvalidAuthorizationSpecification, await LoginAsync(cluster, "stranger_x9", AppPassword));
        Assert.Equal(PostgresErrorCodes.InvalidAuthorizationSpecification, await LoginAsync(cluster, "stranger_x9", AppPassword));
        Assert.Equal(PostgresErrorCodes.InvalidAuthorizationSpecification, await LoginAsync(cluster, "rejected_r7", AppPassword));
        await FailPasswordAsync(cluster);
        await FailPasswordAsync(cluster);
        await FailPasswordAsync(cluster);
        // The refused logins' backends may still be exiting and holding two of the five slots: wait until they are gone.
        await WaitForNoClientBackendsAsync(cluster);
        await using (var first = new NpgsqlConnection(Tcp(cluster)))
        await using (var second = new NpgsqlConnection(Tcp(cluster)))
        {
            await first.OpenAsync();
            await second.OpenAsync();
            Assert.Equal(PostgresErrorCodes.TooManyConnections, await LoginAsync(cluster, "app", AppPassword));
        }

        var scrape = await WaitForCountsAsync(agent, "db", new Dictionary<string, double>
        {
            ["no_hba_entry"] = 2, ["hba_reject"] = 1, ["password_failed"] = primed + 3, ["too_many_clients"] = 1,
        });

        foreach (var quiet in new[] { "could_not_bind", "no_listen_socket", "hba_not_reloaded", "config_file_errors", "listening" })
        {
            Assert.Equal(0, Count(scrape, "db", quiet));
        }

        Assert.NotNull(scrape.Value("pgreach_log_last_event_timestamp_seconds", "target=db", "event=no_hba_entry"));
        Assert.Null(scrape.Value("pgreach_log_last_event_timestamp_seconds", "target=db", "event=could_not_bind"));
        Assert.True(scrape.Value("pgreach_log_lines_total", "target=db") >= primed + 7);
        Assert.All(scrape.Find("pgreach_log_read_errors_total", "target=db"), s => Assert.Equal(0, s.Value));
        Assert.DoesNotContain("stranger_x9", scrape.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("rejected_r7", scrape.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("user=", scrape.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_replaces_the_listening_addresses_of_the_earlier_start()
    {
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { HbaLines = RejectingHba });
        await cluster.CreateRoleAsync("app", AppPassword);
        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(LogTarget("db", cluster, cluster.LogFilePath)));
        await WaitUntilReadingAsync(agent, "db", cluster);
        var port = cluster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await cluster.RestartAsync();
        var first = await agent.WaitForAsync(s => s.Value("pgreach_log_listening", "target=db", "address=127.0.0.1", $"port={port}") == 1);
        await cluster.ExecuteAsync("ALTER SYSTEM SET listen_addresses = '127.0.0.1,::1'");
        await cluster.RestartAsync();
        var second = await agent.WaitForAsync(s => s.Find("pgreach_log_listening", "target=db").Count() == 2);

        Assert.Single(first.Find("pgreach_log_listening", "target=db"));
        Assert.Equal(1, second.Value("pgreach_log_listening", "target=db", "address=::1", $"port={port}"));
        Assert.Equal(1, second.Value("pgreach_log_listening", "target=db", "address=127.0.0.1", $"port={port}"));
        Assert.Equal(3, Count(second, "db", "listening"));
    }

    private static string Tcp(PostgresCluster cluster) => HostSignalTargets.Tcp(cluster, "app", AppPassword).ConnectionString;

    private static async Task WaitForNoClientBackendsAsync(PostgresCluster cluster)
    {
        const string Sql = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()";
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await cluster.ScalarAsync<long>(Sql) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "client backends of the refused logins did not exit within 10 s");
            await Task.Delay(20);
        }
    }
}

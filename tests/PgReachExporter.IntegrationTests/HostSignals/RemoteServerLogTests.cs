using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.IntegrationTests.Server;
using static PgReachExporter.IntegrationTests.Agent.RunningAgent;

namespace PgReachExporter.IntegrationTests.HostSignals;

/// <summary>A target without local file access reads the server log through its monitoring connection.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class RemoteServerLogTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Failed_logins_are_counted_from_the_log_read_through_the_monitoring_connection()
    {
        await using var cluster = await fixture.NewClusterAsync();
        await ServerTargets.CreateProbeRoleAsync(cluster);
        await using var agent = await StartAsync(ServerTargets.Config(
            ServerTargets.Target("remote", cluster, ServerTargets.Superuser(cluster, readServerLog: true))));
        // The first read only finds the end of the file, as a local tail starts at the end.
        await agent.WaitForAsync(s => s.Value("pgreach_log_lines_total", "target=remote") is not null
            && s.Current("pgreach_server_check_result", "target=remote", "check=log_remote") == "ok", TimeSpan.FromSeconds(20));

        for (var i = 0; i < 3; i++)
        {
            await HostSignalTargets.FailPasswordAsync(cluster);
        }

        var scrape = await agent.WaitForAsync(s => s.Value("pgreach_log_events_total", "target=remote", "event=password_failed") >= 3,
            TimeSpan.FromSeconds(20), "three failed logins counted from the remote log");
        Assert.Equal(3, scrape.Value("pgreach_log_events_total", "target=remote", "event=password_failed"));
        Assert.True(scrape.Value("pgreach_log_lines_total", "target=remote") >= 3);
        Assert.DoesNotContain(ServerTargets.ProbePassword, scrape.Text);
    }
}

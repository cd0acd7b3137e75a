using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using PgReachExporter.Configuration;
using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.Observations;
using PgReachExporter.Probes.ServerChecks;

namespace PgReachExporter.IntegrationTests.Server;

/// <summary>The remote log seam: new lines of the server's log file read through the monitoring connection.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class RemoteLogTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task New_log_lines_arrive_whole_for_the_documented_role_and_a_role_without_the_grants_is_denied()
    {
        await using var cluster = await fixture.NewClusterAsync();
        await MonitoringRoles.CreateLeastPrivilegedAsync(cluster);
        await MonitoringRoles.CreateMonitorOnlyAsync(cluster);
        await using var session = await ConnectAsync(cluster, MonitoringRoles.LeastPrivileged);
        var check = new RemoteLogCheck();
        Assert.Equal(ServerCheckResult.Ok, (await check.RunAsync(session, CancellationToken.None)).Result);

        var marker = $"pgreach-marker-{Guid.NewGuid():N}";
        await cluster.ExecuteAsync($"DO $$BEGIN RAISE LOG '{marker} first'; RAISE LOG '{marker} second'; END$$");

        var lines = new List<string>();
        var waited = Stopwatch.StartNew();
        // Each RAISE LOG line is followed by CONTEXT and STATEMENT lines, the latter quoting the marker too.
        bool Raised(string line) => line.Contains($"LOG:  {marker}", StringComparison.Ordinal);
        while (lines.Count(Raised) < 2 && waited.Elapsed < Bound)
        {
            var read = await check.RunAsync(session, CancellationToken.None);
            Assert.True(read.Succeeded, read.Problem);
            lines.AddRange(read.Value!.Lines);
            await Task.Delay(50);
        }

        var marked = lines.Where(Raised).ToList();
        Assert.Equal(2, marked.Count);
        Assert.EndsWith($"{marker} first", marked[0], StringComparison.Ordinal);
        Assert.EndsWith($"{marker} second", marked[1], StringComparison.Ordinal);

        await using var denied = await ConnectAsync(cluster, MonitoringRoles.MonitorOnly);
        var refused = await new RemoteLogCheck().RunAsync(denied, CancellationToken.None);
        Assert.Equal(ServerCheckResult.PermissionDenied, refused.Result);
        Assert.StartsWith("42501:", refused.Problem, StringComparison.Ordinal);
    }

    private static async Task<MonitoringSession> ConnectAsync(PostgresCluster cluster, string role)
    {
        var session = new MonitoringSession("orders", new MonitoringDefinition
        {
            Host = "127.0.0.1", Port = cluster.Port, Database = "postgres", Username = role,
            Password = new LiteralPassword(MonitoringRoles.Password),
            ConnectTimeout = TimeSpan.FromSeconds(5), StatementTimeout = TimeSpan.FromSeconds(5),
        }, TimeProvider.System, NullLogger.Instance);
        Assert.True(await session.WaitConnectedAsync(TimeSpan.FromSeconds(10), CancellationToken.None), session.Problem);
        return session;
    }
}

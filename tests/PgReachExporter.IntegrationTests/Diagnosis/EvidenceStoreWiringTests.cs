using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PgReachExporter.Diagnosis;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.Scheduling;

namespace PgReachExporter.IntegrationTests.Diagnosis;

/// <summary>Evidence a provider stores for a target reaches the verdicts of the running agent.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class EvidenceStoreWiringTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Server_evidence_read_from_a_live_server_turns_a_refusal_into_listen_localhost_only()
    {
        // The shared server listens on 127.0.0.1 only, so its port on 127.0.0.2 refuses. The agent's own socket table
        // would tell that at once; it is switched off so the server evidence is the only source.
        var server = await fixture.DefaultServerAsync();
        await using var agent = await RunningAgent.StartWithTargetsAsync(
            [new { Name = "other-loopback", Host = "127.0.0.2", Port = server.Port, Database = "postgres", Username = "app", LocalListener = false }]);
        var bound = TimeSpan.FromSeconds(30);
        await agent.WaitForTargetsAsync(root => Causes(root).Contains("listener_down"), bound);

        // Play the part of the server-side checks: read what the server says and store it.
        var evidence = new ServerEvidence
        {
            CollectedAt = DateTimeOffset.UtcNow,
            ListenAddresses = await server.ScalarAsync<string>("SHOW listen_addresses"),
            Port = int.Parse((await server.ScalarAsync<string>("SHOW port"))!, CultureInfo.InvariantCulture),
        };
        agent.Services.GetRequiredService<ServerEvidenceStore>().Update("other-loopback", evidence);

        var root = await agent.WaitForTargetsAsync(root => Causes(root).Contains("listen_localhost_only"), bound);

        var target = root.GetProperty("targets")[0];
        Assert.Equal(["listen_localhost_only"], Causes(root));
        Assert.Equal(["probe", "server"], target.GetProperty("sources").EnumerateArray().Select(s => s.GetString()));
        var evidenceText = target.GetProperty("findings")[0].GetProperty("evidence").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains($"server: listen_addresses = '127.0.0.1', port = {server.Port}", evidenceText);
        Assert.Equal(1, target.GetProperty("changes").GetInt64());
        var metrics = await agent.Http.GetStringAsync("/metrics");
        Assert.Contains("pgreach_diagnosis{target=\"other-loopback\",layer=\"transport\",cause=\"listen_localhost_only\"} 1", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("cause=\"listener_down\"", metrics, StringComparison.Ordinal);
    }

    private static List<string?> Causes(System.Text.Json.JsonElement root) =>
        [.. root.GetProperty("targets")[0].GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("cause").GetString())];
}

using System.Net;
using System.Text.Json;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Diagnosis;
using PgReachExporter.IntegrationTests.HostSignals;
using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.IntegrationTests.Server;

namespace PgReachExporter.IntegrationTests.Evidence;

/// <summary>
/// `diagnose` runs the agent's own pipeline once: for every scenario the agent has a verdict on, `diagnose NAME --config`
/// with the same configuration prints the same set of causes.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class DiagnoseParityTests(ClusterFixture fixture)
{
    private const string Password = HostSignalTargets.AppPassword;

    [Fact]
    public async Task Diagnose_prints_the_causes_the_agent_finds_for_every_scenario()
    {
        await using var healthy = await fixture.NewClusterAsync(new ClusterOptions { HbaLines = HostSignalTargets.RejectingHba });
        await healthy.CreateRoleAsync("app", Password);
        await healthy.CreateRoleAsync("stranger", Password);
        await healthy.CreateRoleAsync("rejected_r7", Password);
        await using var unbound = await fixture.NewClusterAsync(new ClusterOptions { ListenAddresses = "127.0.0.1,2001:db8::99" });
        await ServerTargets.CreateProbeRoleAsync(unbound);
        await using var failed = await fixture.NewClusterAsync();
        await failed.ExecuteAsync("ALTER SYSTEM SET listen_addresses = '192.0.2.1'");
        await failed.RestartAsync(waitForReady: false);
        var closedPort = FreePort.Allocate(IPAddress.Loopback);

        var ipv6 = ServerTargets.Target("ipv6-unbound", unbound, ServerTargets.Superuser(unbound));
        var bind = HostSignalTargets.LogTarget("bind-failed", failed, failed.LogFilePath, host: "127.0.0.1");
        Dictionary<string, object?>[] targets =
        [
            Target("healthy", "127.0.0.1", healthy.Port, "app", Password),
            Target("refused", "127.0.0.1", closedPort, "app", Password),
            Target("localhost-only", "127.0.0.2", healthy.Port, "app", Password),
            Target("wrong-password", "127.0.0.1", healthy.Port, "app", "not-the-password"),
            Target("no-hba-line", "127.0.0.1", healthy.Port, "stranger", Password),
            Target("rejected", "127.0.0.1", healthy.Port, "rejected_r7", Password),
            ipv6,
            bind,
        ];
        await using var agent = await RunningAgent.StartAsync(ServerTargets.Config(targets));
        var names = targets.Select(t => (string)t["Name"]!).ToList();
        var root = await agent.WaitForTargetsAsync(
            r => r.GetProperty("targets").EnumerateArray().All(t => TargetsApi.Causes(t).Count > 0)
                && Causes(r, "ipv6-unbound").Contains("ipv6_not_listening") && Causes(r, "bind-failed").Contains("bind_failure"),
            TimeSpan.FromSeconds(30));

        foreach (var name in names)
        {
            var run = await DiagnoseProcess.RunAsync([name, "--config", agent.ConfigFile, "--json"]);

            using var report = JsonDocument.Parse(run.Stdout);
            var diagnosed = TargetsApi.Causes(report.RootElement).Order().ToList();
            Assert.True(Causes(root, name).Order().SequenceEqual(diagnosed),
                $"{name}: the agent says [{string.Join(", ", Causes(root, name))}], diagnose says [{string.Join(", ", diagnosed)}]\n{run}");
            Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
        }
    }

    private static Dictionary<string, object?> Target(string name, string host, int port, string user, string password) =>
        RunningAgent.Target(name, host, port, user, password, timeout: "500ms", interval: "1s");

    private static List<string?> Causes(JsonElement root, string target) =>
        TargetsApi.Causes(root.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("name").GetString() == target));
}

using System.Net;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;

namespace PgReachExporter.IntegrationTests.Fleet;

/// <summary>
/// PgReach:TargetFiles against a real server and real sockets: a file_sd group is probed with its module's identity,
/// a new file adds targets, a bad file keeps the last good set, a removed file takes its targets and their series away.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class DiscoveryFileTests(ClusterFixture fixture) : IDisposable
{
    private const string Password = "sd-Secret-Pw-7731";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly string _targets = Directory.CreateTempSubdirectory("pgreach-sd-it-").FullName;

    public void Dispose() => Directory.Delete(_targets, recursive: true);

    [Fact]
    public async Task Discovered_targets_log_in_with_the_modules_identity_follow_file_changes_and_keep_the_last_good_set()
    {
        var server = await fixture.DefaultServerAsync();
        var role = $"sd_{Guid.NewGuid():N}"[..20];
        await server.CreateRoleAsync(role, Password);
        var healthy = $"{server.Host}:{server.Port}";
        var refused = $"127.0.0.1:{FreePort.Allocate(IPAddress.Loopback)}";
        await File.WriteAllTextAsync(Path.Combine(_targets, "a.json"),
            $$"""[ { "targets": ["{{healthy}}"], "labels": { "__param_module": "app", "team": "payments", "unlisted": "x" } } ]""");

        await using var agent = await RunningAgent.StartAsync(new
        {
            PgReach = new
            {
                Interval = "1s",
                ConnectTimeout = "500ms",
                Modules = new Dictionary<string, object>
                {
                    ["app"] = new { Username = role, Database = "postgres", Password, SslMode = "Disable", ConnectTimeout = "500ms", Allow = new[] { "127.0.0.0/8" } },
                },
                TargetFiles = new object[] { Path.Combine(_targets, "*.json"), new { Path = Path.Combine(_targets, "*.yml"), Module = "app" } },
                TargetInfoLabels = new[] { "team" },
            },
        });

        var scrape = await agent.WaitForAsync(s => s.Value("pgreach_up", $"target={healthy}") == 1, Bound, "the discovered target logs in");
        Assert.Equal(1, scrape.Value("pgreach_target_info", $"target={healthy}", "team=payments"));
        Assert.DoesNotContain("unlisted", scrape.Text);
        Assert.DoesNotContain(Password, scrape.Text);

        // A new file: its group has no module label, so the entry's Module applies.
        await File.WriteAllTextAsync(Path.Combine(_targets, "b.yml"), $"- targets: [\"{refused}\"]\n  labels: {{ team: orders }}\n");
        scrape = await agent.WaitForAsync(s => s.Current("pgreach_tcp_connect_result", $"target={refused}") == "refused", Bound, "the new file's target is probed");
        Assert.Equal(1, scrape.Value("pgreach_target_info", $"target={refused}", "team=orders"));
        Assert.Equal(2, scrape.Value("pgreach_configured_targets"));

        // A bad edit is rejected as a whole: both targets stay.
        await File.WriteAllTextAsync(Path.Combine(_targets, "b.yml"), $"- targets: [\"{refused}\"]\n  lables: {{ team: orders }}\n");
        scrape = await agent.WaitForAsync(s => s.Value("pgreach_config_last_reload_successful") == 0, Bound, "the bad file is rejected");
        Assert.Equal(2, scrape.Value("pgreach_targets"));
        Assert.NotNull(scrape.Value("pgreach_up", $"target={refused}"));

        // The file goes: so do its target and every series of it.
        File.Delete(Path.Combine(_targets, "b.yml"));
        scrape = await agent.WaitForAsync(s => s.Value("pgreach_config_last_reload_successful") == 1 && !s.Text.Contains(refused, StringComparison.Ordinal),
            Bound, "the removed file's target and series are gone");
        Assert.Equal(1, scrape.Value("pgreach_targets"));
        Assert.Equal(1, scrape.Value("pgreach_target_info", $"target={healthy}", "team=payments"));
    }
}

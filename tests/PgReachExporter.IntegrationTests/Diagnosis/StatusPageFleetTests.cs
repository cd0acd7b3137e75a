using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgReachExporter.IntegrationTests.Diagnosis;

/// <summary>The status page for a fleet, loaded in headless Chromium from a real agent: the overview's order and a page of 200 targets.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed partial class StatusPageFleetTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const string Password = "Pw-fleet-5d0c71aa";
    private static readonly TimeSpan VerdictBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_overview_lists_the_failing_target_first_then_the_warning_then_the_healthy_one()
    {
        var healthyServer = await fixture.DefaultServerAsync();
        var role = $"fleet_{Guid.NewGuid():N}"[..20];
        await healthyServer.CreateRoleAsync(role, Password);
        await using var warned = await fixture.NewClusterAsync();
        await warned.CreateRoleAsync(role, Password);
        // A line the server cannot parse (mask /33), written after its start: the rules in force still admit the login, but a
        // reload would fail. That is the warning hba_syntax_errors, seen over the monitoring connection.
        await warned.WriteHbaAsync([.. ClusterOptions.DefaultHbaLines, "host all all 10.0.0.0/33 scram-sha-256"]);
        var refusedPort = FreePort.Allocate(IPAddress.Parse("127.0.0.2"));

        // Names in the opposite order of the states, so that the order seen can only come from the states.
        await using var agent = await RunningAgent.StartWithTargetsAsync(
        [
            new { Name = "a-healthy", Host = healthyServer.Host, Port = healthyServer.Port, Database = "postgres", Username = role, Password },
            new
            {
                Name = "b-warning", Host = "127.0.0.1", Port = warned.Port, Database = "postgres", Username = role, Password,
                Monitoring = new { Uri = $"postgresql://{PostgresCluster.Superuser}@/postgres?host={warned.SocketDirectory}&port={warned.Port}" },
            },
            new { Name = "c-failing", Host = "127.0.0.2", Port = refusedPort, Database = "postgres", Username = role, Password },
        ]);
        await agent.WaitForStatesAsync(new Dictionary<string, string> { ["a-healthy"] = "ok", ["b-warning"] = "warning", ["c-failing"] = "critical" }, VerdictBound);

        var dom = await HeadlessChromium.DumpDomAsync(new Uri(agent.BaseAddress, "/"));

        Assert.Equal(["c-failing", "b-warning", "a-healthy"], OverviewRows(dom));
        Assert.Equal(["c-failing", "b-warning", "a-healthy"], CardOrder(dom));
        Assert.Contains("<span class=\"badge\">NOT REACHABLE</span></td><th scope=\"row\"><a href=\"#target-0\">c-failing</a>", dom, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge\">WARNING</span></td><th scope=\"row\"><a href=\"#target-1\">b-warning</a>", dom, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge\">OK</span></td><th scope=\"row\"><a href=\"#target-2\">a-healthy</a>", dom, StringComparison.Ordinal);
        Assert.Contains("<p class=\"counts\">1 failing · 1 warning · 1 healthy</p>", dom, StringComparison.Ordinal);
        // The refused target's login layers were never reached: folded away, closed.
        var failingCard = Card(dom, "c-failing");
        Assert.Contains("<details class=\"unreached\"><summary>", failingCard, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">transport</th><td class=\"status\">failed</td>", failingCard, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, dom, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_of_200_targets_renders_every_overview_row_and_card_without_a_password()
    {
        var server = await fixture.DefaultServerAsync();
        var role = $"fleet_{Guid.NewGuid():N}"[..20];
        await server.CreateRoleAsync(role, Password);
        var refusedPort = FreePort.Allocate(IPAddress.Parse("127.0.0.2"));
        // 200 targets on three real endpoints: healthy logins, wrong passwords and a port with nothing on it.
        var targets = Enumerable.Range(0, 200).Select(i => (i % 4) switch
        {
            0 or 1 => (object)new { Name = $"healthy-{i:000}", Host = server.Host, Port = server.Port, Database = "postgres", Username = role, Password, ConnectTimeout = "2s" },
            2 => new { Name = $"wrong-password-{i:000}", Host = server.Host, Port = server.Port, Database = "postgres", Username = role, Password = "not-" + Password, ConnectTimeout = "2s" },
            _ => new { Name = $"refused-{i:000}", Host = "127.0.0.2", Port = refusedPort, Database = "postgres", Username = role, Password, ConnectTimeout = "2s" },
        }).ToList();
        await using var agent = await RunningAgent.StartWithTargetsAsync(targets, interval: "10s", connectTimeout: "2s");
        await agent.WaitForTargetsAsync(root => root.GetProperty("targets").EnumerateArray().Count(t => t.GetProperty("state").GetString() != "pending") == 200, VerdictBound);
        var page = new Uri(agent.BaseAddress, "/");

        var body = await agent.Http.GetByteArrayAsync(page);
        var dom = await HeadlessChromium.DumpDomAsync(page);

        var rows = OverviewRows(dom);
        Assert.Equal(200, rows.Count);
        Assert.Equal(200, rows.Distinct().Count());
        Assert.Equal(200, CardOrder(dom).Count);
        // On a loaded machine a healthy login may time out now and then: the order is checked against each row's own badge.
        var ranked = OverviewBadges(dom).Select(r => (Rank: r.Badge == "AGENT ERROR" ? 0 : Array.IndexOf(BadgeOrder, r.Badge), r.Name)).ToList();
        Assert.DoesNotContain(ranked, r => r.Rank < 0);
        Assert.Equal(ranked.OrderBy(r => r.Rank).ThenBy(r => r.Name, StringComparer.Ordinal), ranked);
        Assert.True(ranked.Count(r => r.Rank == 0) >= 100, "the 100 wrong-password and refused targets are failures");
        Assert.DoesNotContain(Password, dom, StringComparison.Ordinal);

        // Figures for docs/api.md, not assertions: this machine's load decides them.
        var render = await MedianAsync(() => HeadlessChromium.ScreenshotAsync(page, TestArtifacts.PathFor("status-page-200.png"), 1280, 1600));
        var baseline = await MedianAsync(() => HeadlessChromium.ScreenshotAsync(new Uri(agent.BaseAddress, "/healthz"), TestArtifacts.PathFor("healthz.png"), 1280, 1600));
        output.WriteLine($"200 targets: page {body.Length:N0} bytes ({body.Length / 200:N0} per target); " +
            $"chromium load+layout+screenshot median {render.TotalMilliseconds:0} ms, of /healthz {baseline.TotalMilliseconds:0} ms " +
            $"(page cost {(render - baseline).TotalMilliseconds:0} ms); load average {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static async Task<TimeSpan> MedianAsync(Func<Task> run)
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            await run();
            times.Add(clock.Elapsed);
        }

        return times.Order().ElementAt(1);
    }

    private static List<string> OverviewRows(string dom) => [.. DataRow().Matches(dom).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))];

    private static readonly string[] BadgeOrder = ["NOT REACHABLE", "WARNING", "PENDING", "OK"];

    private static List<(string Name, string Badge)> OverviewBadges(string dom) =>
        [.. DataRowBadge().Matches(dom).Select(m => (WebUtility.HtmlDecode(m.Groups[1].Value), m.Groups[2].Value))];

    private static List<string> CardOrder(string dom) => [.. DataTarget().Matches(dom).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))];

    private static string Card(string dom, string name)
    {
        var card = dom[dom.IndexOf($"data-target=\"{name}\"", StringComparison.Ordinal)..];
        return card[..card.IndexOf("</section>", StringComparison.Ordinal)];
    }

    [GeneratedRegex("<tr class=\"state-[a-z]+\" data-row=\"([^\"]+)\"")]
    private static partial Regex DataRow();

    [GeneratedRegex("data-row=\"([^\"]+)\"><td><span class=\"badge\">([^<]+)</span>")]
    private static partial Regex DataRowBadge();

    [GeneratedRegex("<section class=\"target [^\"]*\" id=\"target-[0-9]+\" data-target=\"([^\"]+)\"")]
    private static partial Regex DataTarget();
}

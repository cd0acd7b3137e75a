using System.Net;
using System.Text.Json;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;

namespace PgReachExporter.IntegrationTests.Diagnosis;

/// <summary>The status page of a running agent, loaded in a real headless browser.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class StatusPageBrowserTests(ClusterFixture fixture)
{
    private const string Password = "Pw-status-7c1e9a42";
    private const string WrongPassword = "Wrong-pw-3b44d2e8";
    private const string HostileName = "refused <script>alert(1)</script>";
    private static readonly TimeSpan VerdictBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_targets_verdict_is_rendered_in_the_browser_and_no_password_appears_anywhere()
    {
        var server = await fixture.DefaultServerAsync();
        var role = $"page_{Guid.NewGuid():N}"[..20];
        await server.CreateRoleAsync(role, Password);
        await using var silent = SilentListener.Start();
        var refusedPort = FreePort.Allocate(IPAddress.Parse("127.0.0.2"));

        await using var agent = await RunningAgent.StartWithTargetsAsync(
        [
            new { Name = "healthy", Host = server.Host, Port = server.Port, Database = "postgres", Username = role, Password },
            new { Name = "wrong-password", Uri = $"postgresql://{role}:{WrongPassword}@{server.Host}:{server.Port}/postgres" },
            new { Name = HostileName, Host = "127.0.0.2", Port = refusedPort, Database = "orders", Username = role, Password },
            new { Name = "silent", Host = "127.0.0.1", Port = silent.Port, Database = "orders", Username = role, Password },
        ]);
        await agent.WaitForStatesAsync(new Dictionary<string, string>
        {
            ["healthy"] = "ok", ["wrong-password"] = "critical", [HostileName] = "critical", ["silent"] = "critical",
        }, VerdictBound);

        var dom = await HeadlessChromium.DumpDomAsync(new Uri(agent.BaseAddress, "/"));

        AssertTarget(dom, "healthy", "ok", $"Reachable: TCP and login to {server.Host}:{server.Port} succeed");
        AssertTarget(dom, "wrong-password", "critical", $"Not reachable: The password of user {role} is refused");
        AssertTarget(dom, "silent", "critical", "Not reachable: TCP connects, but nothing answers the PostgreSQL startup");
        Assert.Contains($"Not reachable: Nothing listens on port {refusedPort}: connections are refused", dom, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">transport</th><td class=\"status\">failed</td>", dom, StringComparison.Ordinal);
        Assert.Contains("password_failed", dom, StringComparison.Ordinal);
        Assert.Contains("listener_down", dom, StringComparison.Ordinal);
        Assert.Contains("server_unresponsive", dom, StringComparison.Ordinal);
        // The hostile name is text, not markup.
        Assert.Contains("refused &lt;script&gt;alert(1)&lt;/script&gt;</h2>", dom, StringComparison.Ordinal);

        var api = await agent.Http.GetStringAsync("/api/targets");
        var metrics = await agent.Http.GetStringAsync("/metrics");
        var statusAlias = await agent.Http.GetStringAsync("/status");
        foreach (var (name, text) in new[] { ("page", dom), ("api", api), ("metrics", metrics), ("/status", statusAlias) })
        {
            Assert.False(text.Contains(Password, StringComparison.Ordinal), $"{name} shows the password");
            Assert.False(text.Contains(WrongPassword, StringComparison.Ordinal), $"{name} shows the wrong password");
        }

        Assert.Contains("data-target=\"healthy\"", statusAlias, StringComparison.Ordinal);
        Assert.Contains($"pgreach_diagnosis{{target=\"wrong-password\",layer=\"auth\",cause=\"password_failed\"}} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("pgreach_diagnosis{target=\"healthy\",layer=\"all\",cause=\"ok\"} 1", metrics, StringComparison.Ordinal);

        await HeadlessChromium.ScreenshotAsync(new Uri(agent.BaseAddress, "/"), TestArtifacts.PathFor("status-page-desktop.png"), 1280, 2200);
        await HeadlessChromium.ScreenshotAsync(new Uri(agent.BaseAddress, "/"), TestArtifacts.PathFor("status-page-phone.png"), 412, 2600);
    }

    [Fact]
    public async Task The_json_api_lists_every_target_with_layers_findings_and_probe_steps()
    {
        var server = await fixture.DefaultServerAsync();
        var role = $"api_{Guid.NewGuid():N}"[..20];
        await server.CreateRoleAsync(role, Password);
        var refusedPort = FreePort.Allocate(IPAddress.Parse("127.0.0.2"));

        await using var agent = await RunningAgent.StartWithTargetsAsync(
        [
            new { Name = "healthy", Host = server.Host, Port = server.Port, Database = "postgres", Username = role, Password },
            new { Name = "refused", Host = "127.0.0.2", Port = refusedPort, Database = "orders", Username = role },
        ]);
        var root = await agent.WaitForStatesAsync(new Dictionary<string, string> { ["healthy"] = "ok", ["refused"] = "critical" }, VerdictBound);

        var targets = root.GetProperty("targets").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        var refused = targets["refused"];
        Assert.False(refused.GetProperty("reachable").GetBoolean());
        Assert.Equal($"127.0.0.2:{refusedPort}", refused.GetProperty("endpoint").GetString());
        Assert.Equal(["transport", "network", "tls", "auth", "capacity", "server", "config"],
            refused.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("layer").GetString()));
        var finding = Assert.Single(refused.GetProperty("findings").EnumerateArray());
        Assert.Equal("listener_down", finding.GetProperty("cause").GetString());
        Assert.Equal("transport", finding.GetProperty("layer").GetString());
        Assert.Contains($"tcp 127.0.0.2:{refusedPort} refused", finding.GetProperty("evidence")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains(refused.GetProperty("probes").EnumerateArray(), p => p.GetProperty("step").GetString() == "tcp" && p.GetProperty("result").GetString() == "refused");
        Assert.Equal(JsonValueKind.String, refused.GetProperty("since").ValueKind);
        Assert.Equal(JsonValueKind.String, refused.GetProperty("last_probe").ValueKind);

        var healthy = targets["healthy"];
        Assert.True(healthy.GetProperty("reachable").GetBoolean());
        Assert.Equal(role, healthy.GetProperty("user").GetString());
        Assert.Equal("ok", Assert.Single(healthy.GetProperty("findings").EnumerateArray()).GetProperty("cause").GetString());
    }

    [Fact]
    public async Task The_page_refreshes_itself_from_the_agent()
    {
        var refusedPort = FreePort.Allocate(IPAddress.Parse("127.0.0.2"));
        await using var agent = await RunningAgent.StartWithTargetsAsync([new { Name = "refused", Host = "127.0.0.2", Port = refusedPort, Username = "app" }]);
        await agent.WaitForStatesAsync(new Dictionary<string, string> { ["refused"] = "critical" }, VerdictBound);

        var dom = await HeadlessChromium.DumpDomAfterAsync(new Uri(agent.BaseAddress, "/status"), TimeSpan.FromSeconds(12));

        Assert.Matches("<body data-refreshes=\"[1-9]", dom);
        Assert.Contains("data-target=\"refused\" data-state=\"critical\"", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"meta stale\"", dom, StringComparison.Ordinal);
    }

    private static void AssertTarget(string dom, string name, string state, string summary)
    {
        Assert.Contains($"data-target=\"{name}\" data-state=\"{state}\"", dom, StringComparison.Ordinal);
        var section = dom[dom.IndexOf($"data-target=\"{name}\"", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("</section>", StringComparison.Ordinal)];
        Assert.Contains($"<p class=\"verdict\">{WebUtility.HtmlEncode(summary)}", section, StringComparison.Ordinal);
    }
}

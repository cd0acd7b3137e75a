using System.Net;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;

namespace PgReachExporter.IntegrationTests.Web;

/// <summary>
/// The cheap guards of a plain-HTTP deployment: a Host-header allowlist against DNS rebinding (ASP.NET's AllowedHosts),
/// and pages that are never framed or sniffed.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class HostAllowlistTests
{
    [Fact]
    public async Task A_request_for_a_host_name_not_allowed_is_refused_and_an_allowed_one_answers()
    {
        var port = FreePort.Allocate(IPAddress.Loopback);
        await using var agent = await RunningAgent.StartAsync(
            RunningAgent.Config(RunningAgent.Target("db", "127.0.0.1", port, interval: "1s", timeout: "500ms")),
            "--AllowedHosts", "pgreach.example;localhost");

        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/targets") { Headers = { Host = "attacker.example" } };
        using var refused = await agent.Http.SendAsync(rebound);
        using var allowed = new HttpRequestMessage(HttpMethod.Get, "/api/targets") { Headers = { Host = "pgreach.example" } };
        using var answered = await agent.Http.SendAsync(allowed);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    [Fact]
    public async Task Pages_are_never_framed_nor_sniffed()
    {
        var port = FreePort.Allocate(IPAddress.Loopback);
        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config(RunningAgent.Target("db", "127.0.0.1", port, interval: "1s", timeout: "500ms")));

        foreach (var path in new[] { "/", "/api/targets", "/metrics" })
        {
            using var response = await agent.Http.GetAsync(path);

            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        }

        using var page = await agent.Http.GetAsync("/");
        Assert.Contains("frame-ancestors 'none'", string.Join(";", page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }
}

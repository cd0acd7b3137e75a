using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.Lab;
using PgReachExporter.Web;
using static PgReachExporter.IntegrationTests.Probe.ProbeAgent;

namespace PgReachExporter.IntegrationTests.Probe;

/// <summary>GET /probe against real servers and real sockets: what it answers, what it refuses, and that a refusal sends nothing.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class ProbeEndpointTests(ClusterFixture fixture)
{
    private async Task<PostgresCluster> ClusterWithAppAsync()
    {
        var cluster = await fixture.NewClusterAsync();
        await cluster.CreateRoleAsync("app", Password);
        await cluster.CreateDatabaseAsync("orders", "app");
        return cluster;
    }

    private static Dictionary<string, object?> Refused(string name = "configured") =>
        RunningAgent.Target(name, "127.0.0.1", FreePort.Allocate(IPAddress.Loopback), timeout: "500ms");

    [Fact]
    public async Task Probe_is_off_without_modules_even_for_a_configured_target()
    {
        await using var agent = await RunningAgent.StartAsync(Config(Refused(), modules: null));

        var (status, body) = await GetAsync(agent, "target=configured");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("no PgReach:Modules are configured", body);
        Assert.Equal(1, (await agent.ScrapeAsync()).Value("pgreach_probe_requests_total", "outcome=off"));
    }

    [Theory]
    [InlineData("target=127.0.0.1:5432&module=app&password=hunter2", "unknown query parameter 'password'")]
    [InlineData("target=127.0.0.1:5432&module=app&sslmode=disable", "unknown query parameter 'sslmode'")]
    [InlineData("module=app", "target is missing")]
    [InlineData("target=nosuch", "is not a configured target")]
    [InlineData("target=127.0.0.1:5432&module=nosuch", "unknown module 'nosuch'")]
    [InlineData("target=127.0.0.1:99999&module=app", "port")]
    [InlineData("target=/var/run/postgresql&module=app", "is a path")]
    public async Task A_bad_request_is_400_with_the_reason_and_never_echoes_a_credential(string query, string expected)
    {
        await using var agent = await RunningAgent.StartAsync(Config(Refused(), new() { ["app"] = Module(["127.0.0.0/8"]) }));

        var (status, body) = await GetAsync(agent, query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body);
        Assert.DoesNotContain("hunter2", body);
    }

    [Fact]
    public async Task A_bad_scrape_timeout_header_is_400()
    {
        await using var agent = await RunningAgent.StartAsync(Config(Refused(), new() { ["app"] = Module(["127.0.0.0/8"]) }));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/probe?target=configured");
        request.Headers.Add("X-Prometheus-Scrape-Timeout-Seconds", "soon");

        using var response = await agent.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("X-Prometheus-Scrape-Timeout-Seconds", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_address_outside_the_allowlist_is_403_and_no_connection_reaches_its_listener()
    {
        await using var listener = SilentListener.Start(IPAddress.Parse("127.0.0.7"));
        await using var agent = await RunningAgent.StartAsync(Config(Refused(), new()
        {
            ["narrow"] = Module(["127.0.0.2/32"]),
            ["wide"] = Module(["127.0.0.0/24"], timeout: "300ms"),
        }));

        var (status, body) = await GetAsync(agent, $"target=127.0.0.7:{listener.Port}&module=narrow");
        var mapped = await GetAsync(agent, $"target=[::ffff:127.0.0.7]:{listener.Port}&module=narrow");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("127.0.0.7 is outside the module's Allow list", body);
        Assert.Equal(HttpStatusCode.Forbidden, mapped.Status);

        // The same listener counts a connection from a module that may reach it, so the zero above is meaningful.
        var allowed = await GetAsync(agent, $"target=127.0.0.7:{listener.Port}&module=wide");
        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        await listener.WaitForAcceptedAsync(1, TimeSpan.FromSeconds(10));
        var afterAllowed = listener.AcceptedCount;
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(agent, $"target=127.0.0.7:{listener.Port}&module=narrow")).Status);
        Assert.Equal(afterAllowed, listener.AcceptedCount);
        var metrics = await agent.ScrapeAsync();
        Assert.DoesNotContain("127.0.0.7", metrics.Text);
        Assert.Equal(3, metrics.Value("pgreach_probe_requests_total", "outcome=denied"));
        Assert.Equal(1, metrics.Value("pgreach_probe_requests_total", "outcome=probed"));
    }

    [Fact]
    public async Task A_name_whose_addresses_are_not_all_allowed_is_403_before_any_connection()
    {
        // localhost matches the name pattern but resolves to 127.0.0.1 (and ::1), outside the networks: no rebinding escape.
        await using var listener = SilentListener.Start(IPAddress.Loopback);
        await using var agent = await RunningAgent.StartAsync(Config(Refused(), new()
        {
            ["names"] = Module(["127.0.0.2/32", "localhost", "*.db.internal"]),
        }));

        var (status, body) = await GetAsync(agent, $"target=localhost:{listener.Port}&module=names");
        var unmatched = await GetAsync(agent, $"target=example.invalid:{listener.Port}&module=names");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("localhost resolves to", body);
        Assert.Equal(HttpStatusCode.Forbidden, unmatched.Status);
        Assert.Contains("matches no name pattern", unmatched.Body);
        Assert.Equal(0, listener.AcceptedCount);
    }

    [Fact]
    public async Task A_configured_target_and_a_module_target_are_probed_now_and_stay_out_of_metrics()
    {
        var cluster = await ClusterWithAppAsync();
        var configured = RunningAgent.Target("orders", "127.0.0.1", cluster.Port, password: Password, database: "orders");
        await using var agent = await RunningAgent.StartAsync(Config(configured, new() { ["app"] = Module(["127.0.0.1/32"]) }));

        var byName = await GetAsync(agent, "target=orders", scrapeTimeoutSeconds: 5);
        var byModule = await GetAsync(agent, $"target=127.0.0.1:{cluster.Port}&module=app", scrapeTimeoutSeconds: 5);

        Assert.Equal(HttpStatusCode.OK, byName.Status);
        var named = Scrape.Parse(byName.Body);
        Assert.Equal(1, named.Value("pgreach_probe_success"));
        Assert.Equal("ok", named.Current("pgreach_login_result", "target=orders"));
        Assert.Equal(1, named.Value("pgreach_diagnosis", "target=orders", "cause=ok"));
        Assert.True(named.Value("pgreach_probe_duration_seconds") is > 0 and < 5);

        Assert.Equal(HttpStatusCode.OK, byModule.Status);
        var module = Scrape.Parse(byModule.Body);
        var instance = $"127.0.0.1:{cluster.Port}";
        Assert.Equal(1, module.Value("pgreach_probe_success"));
        Assert.Equal("open", module.Current("pgreach_tcp_connect_result", $"target={instance}", "address=127.0.0.1"));
        Assert.Equal(1, module.Value("pgreach_up", $"target={instance}"));
        Assert.Empty(module.Find("pgreach_tcp_probes_total"));
        Assert.DoesNotContain("_total", module.Text);
        Assert.DoesNotContain(Password, module.Text + named.Text);

        var metrics = await agent.ScrapeAsync();
        Assert.Empty(metrics.Find("pgreach_up", $"target={instance}"));
        Assert.Empty(metrics.Find("pgreach_probe_success"));
    }

    [Fact]
    public async Task A_wrong_password_in_the_module_is_a_failed_probe_with_its_cause()
    {
        var cluster = await ClusterWithAppAsync();
        var wrong = Module(["127.0.0.1/32"]);
        wrong["Password"] = "not-the-password";
        await using var agent = await RunningAgent.StartAsync(Config(Refused(), new() { ["app"] = wrong }));

        var (status, body) = await GetAsync(agent, $"target=127.0.0.1:{cluster.Port}&module=app", scrapeTimeoutSeconds: 5);

        Assert.Equal(HttpStatusCode.OK, status);
        var answer = Scrape.Parse(body);
        Assert.Equal(0, answer.Value("pgreach_probe_success"));
        Assert.Equal("password_failed", answer.Current("pgreach_login_result", $"target=127.0.0.1:{cluster.Port}"));
        Assert.NotEmpty(answer.Find("pgreach_diagnosis", "layer=auth"));
        Assert.DoesNotContain("not-the-password", body);
    }

    [Fact]
    public async Task The_scrape_timeout_header_minus_the_offset_bounds_a_black_holed_probe()
    {
        await using var hole = await BlackHoleListener.StartAsync(IPAddress.Loopback);
        await using var agent = await RunningAgent.StartAsync(Config(Refused(), new() { ["app"] = Module(["127.0.0.1/32"], timeout: "20s") }));
        // The first request of an agent in this process also compiles the endpoint: it does not count.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(agent, "target=configured", scrapeTimeoutSeconds: 1.5)).Status);

        var clock = Stopwatch.StartNew();
        var (status, body) = await GetAsync(agent, $"target=127.0.0.1:{hole.Port}&module=app", scrapeTimeoutSeconds: 1.5);
        var elapsed = clock.Elapsed;

        Assert.Equal(HttpStatusCode.OK, status);
        var answer = Scrape.Parse(body);
        Assert.Equal(0, answer.Value("pgreach_probe_success"));
        Assert.Equal("timeout", answer.Current("pgreach_tcp_connect_result", $"target=127.0.0.1:{hole.Port}"));
        Assert.True(answer.Value("pgreach_probe_duration_seconds") is >= 0.9 and < 1.4, $"probe took {answer.Value("pgreach_probe_duration_seconds")} s");
        // The 0.5 s offset is there for the answer's own overhead; on a shared, loaded test machine that overhead has
        // been seen to reach 0.6 s, so the bound here is the module's 20 s timeout being cut to the header's, not a race.
        Assert.True(elapsed < TimeSpan.FromSeconds(2.5), $"the answer came after {elapsed.TotalSeconds:0.00} s; the header allowed 1.5 s");
    }

    [Fact]
    public async Task A_request_over_the_concurrency_limit_is_answered_503_at_once()
    {
        await using var hole = await BlackHoleListener.StartAsync(IPAddress.Loopback);
        await using var agent = await RunningAgent.StartAsync(Config(Refused(), new() { ["app"] = Module(["127.0.0.1/32"], timeout: "20s") }, new { MaxConcurrent = 1 }));
        var bulkhead = agent.Services.GetRequiredService<ProbeBulkhead>();

        var first = GetAsync(agent, $"target=127.0.0.1:{hole.Port}&module=app", scrapeTimeoutSeconds: 4);
        var waited = Stopwatch.StartNew();
        while (bulkhead.Running < 1 && waited.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(20);
        }

        Assert.Equal(1, bulkhead.Running);
        var clock = Stopwatch.StartNew();
        var (status, body) = await GetAsync(agent, $"target=127.0.0.1:{hole.Port}&module=app", scrapeTimeoutSeconds: 4);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("MaxConcurrent", body);
        Assert.Equal(1, (await agent.ScrapeAsync()).Value("pgreach_probe_requests_total", "outcome=over_limit"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"the refusal took {clock.Elapsed.TotalSeconds:0.00} s");
        Assert.Equal(HttpStatusCode.OK, (await first).Status);
        Assert.Equal(0, bulkhead.Running);
    }

    [Fact]
    public async Task A_name_is_dialled_at_exactly_the_addresses_it_resolved_to()
    {
        var cluster = await ClusterWithAppAsync();
        await using var agent = await RunningAgent.StartAsync(Config(Refused(), new() { ["local"] = Module(["127.0.0.1/32", "::1/128", "localhost"]) }));

        var (status, body) = await GetAsync(agent, $"target=localhost:{cluster.Port}&module=local", scrapeTimeoutSeconds: 5);

        Assert.Equal(HttpStatusCode.OK, status);
        var answer = Scrape.Parse(body);
        var target = $"target=localhost:{cluster.Port}";
        Assert.Equal("open", answer.Current("pgreach_tcp_connect_result", target, "address=127.0.0.1"));
        Assert.Equal("ok", answer.Current("pgreach_login_result", target));
        Assert.Equal(1, answer.Value("pgreach_probe_success"));
        var resolved = answer.Find("pgreach_tcp_connect_duration_seconds", target).Select(s => s["address"]).ToHashSet();
        Assert.Equal(resolved.Count, (int)(answer.Value("pgreach_dns_addresses", target, "family=ipv4")! + answer.Value("pgreach_dns_addresses", target, "family=ipv6")!));
    }

    [Fact]
    public async Task Modules_follow_a_reload_and_a_bad_edit_keeps_the_last_good_ones()
    {
        await using var agent = await RunningAgent.StartAsync(Config(Refused(), modules: null));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(agent, "target=configured")).Status);

        await File.WriteAllTextAsync(agent.ConfigFile, System.Text.Json.JsonSerializer.Serialize(
            Config(Refused(), new() { ["app"] = Module(["127.0.0.2/32"]) })));
        await WaitForStatusAsync(agent, "target=127.0.0.9:5432&module=app", HttpStatusCode.Forbidden);

        await File.WriteAllTextAsync(agent.ConfigFile, System.Text.Json.JsonSerializer.Serialize(
            Config(Refused(), new() { ["app"] = Module(["127.0.0.0/8"]), ["broken"] = Module(["10.0.0.1/8"]) })));
        await agent.WaitForAsync(s => s.Value("pgreach_config_last_reload_successful") == 0, because: "the bad edit to be rejected");

        var (status, body) = await GetAsync(agent, "target=127.0.0.9:5432&module=app");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("outside the module's Allow list", body);
    }

    private static async Task WaitForStatusAsync(RunningAgent agent, string query, HttpStatusCode expected)
    {
        var waited = Stopwatch.StartNew();
        var last = default(HttpStatusCode);
        while (waited.Elapsed < TimeSpan.FromSeconds(15))
        {
            last = (await GetAsync(agent, query)).Status;
            if (last == expected)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"/probe?{query} answered {last}, not {expected}, 15 s after the configuration changed");
    }
}

using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Deploy;
using PgReachExporter.IntegrationTests.Infrastructure;

namespace PgReachExporter.IntegrationTests.Web;

/// <summary>
/// The front door of --web.config.file against real clients: curl with the right and the wrong CA, with and without a
/// client certificate, with right and wrong credentials, plain HTTP to the TLS port; a certificate rotated on disk; a
/// bad edit at run time; and a bad file at start-up.
/// </summary>
public sealed class WebConfigurationTests : IDisposable
{
    private const string User = "prometheus";
    private const string Password = "scrape-secret-42";

    private readonly TestCertificates _pki = new();

    private string WebConfigFile => Path.Combine(_pki.Directory, "web-config.yml");

    private string WebConfig(string clientAuth = "RequireAndVerifyClientCert", string extra = "") => $"""
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
          client_auth_type: {clientAuth}
          client_ca_file: ca.crt
        basic_auth_users:
          {User}: {BCrypt.Net.BCrypt.HashPassword(Password, 5)}
        http_server_config:
          headers:
            Strict-Transport-Security: max-age=300
        {extra}
        """;

    private async Task<RunningAgent> StartAgentAsync(string webConfig)
    {
        await File.WriteAllTextAsync(WebConfigFile, webConfig);
        var port = FreePort.Allocate(IPAddress.Loopback);
        return await RunningAgent.StartListeningAsync("https://127.0.0.1:0",
            RunningAgent.Config(RunningAgent.Target("db", "127.0.0.1", port, interval: "1s", timeout: "500ms")),
            "--web.config.file", WebConfigFile);
    }

    /// <summary>curl's answer: its exit code, the HTTP status (0 when there was none) and the response with its headers.</summary>
    private static async Task<(int Exit, int Status, string Response, string Error)> CurlAsync(Uri url, params string[] options)
    {
        var result = await ExternalTool.Curl.RunAsync(
            ["--silent", "--show-error", "--noproxy", "*", "--max-time", "10", "--include", "--write-out", "\n%{http_code}", .. options, url.ToString()],
            timeout: TimeSpan.FromSeconds(30));
        var lines = result.StandardOutput.TrimEnd().Split('\n');
        var status = int.TryParse(lines[^1], out var code) ? code : -1;
        return (result.ExitCode, status, string.Join('\n', lines[..^1]), result.StandardError);
    }

    private string[] Trusted(bool clientCertificate = true) => clientCertificate
        ? ["--cacert", _pki.CaFile, "--cert", _pki.ClientCertFile, "--key", _pki.ClientKeyFile]
        : ["--cacert", _pki.CaFile];

    private static string[] Credentials(string user = User, string password = Password) => ["--user", $"{user}:{password}"];

    [Fact]
    public async Task The_right_ca_client_certificate_and_password_are_served_and_every_other_client_is_refused()
    {
        await using var agent = await StartAgentAsync(WebConfig());
        var metrics = new Uri(agent.BaseAddress, "/metrics");
        Assert.Equal("https", agent.BaseAddress.Scheme);

        var ok = await CurlAsync(metrics, [.. Trusted(), .. Credentials()]);
        Assert.True(ok.Exit == 0 && ok.Status == 200, $"curl exit {ok.Exit}, status {ok.Status}: {ok.Error}");
        Assert.Contains("pgreach_build_info", ok.Response, StringComparison.Ordinal);
        Assert.Contains("pgreach_web_config_last_reload_successful 1", ok.Response, StringComparison.Ordinal);
        Assert.Contains("Strict-Transport-Security: max-age=300", ok.Response, StringComparison.OrdinalIgnoreCase);

        var wrongCa = await CurlAsync(metrics, ["--cacert", _pki.OtherCaFile, "--cert", _pki.ClientCertFile, "--key", _pki.ClientKeyFile, .. Credentials()]);
        Assert.Equal(60, wrongCa.Exit); // CURLE_PEER_FAILED_VERIFICATION: the server's certificate is not from the CA the client trusts
        Assert.Equal(0, wrongCa.Status);

        var noClientCertificate = await CurlAsync(metrics, [.. Trusted(clientCertificate: false), .. Credentials()]);
        Assert.NotEqual(0, noClientCertificate.Exit);
        Assert.Equal(0, noClientCertificate.Status);

        var foreignClientCertificate = await CurlAsync(metrics, ["--cacert", _pki.CaFile, "--cert", _pki.OtherClientCertFile, "--key", _pki.OtherClientKeyFile, .. Credentials()]);
        Assert.NotEqual(0, foreignClientCertificate.Exit);
        Assert.Equal(0, foreignClientCertificate.Status);

        var plainHttp = await CurlAsync(new UriBuilder(metrics) { Scheme = "http" }.Uri, Credentials());
        Assert.NotEqual(0, plainHttp.Exit);
        Assert.Equal(0, plainHttp.Status);

        foreach (var path in new[] { "/metrics", "/", "/status", "/api/targets", "/probe", "/no-such-page" })
        {
            var url = new Uri(agent.BaseAddress, path);
            var wrongPassword = await CurlAsync(url, [.. Trusted(), .. Credentials(password: "wrong")]);
            var unknownUser = await CurlAsync(url, [.. Trusted(), .. Credentials(user: "mallory")]);
            var none = await CurlAsync(url, Trusted());
            foreach (var refused in new[] { wrongPassword, unknownUser, none })
            {
                Assert.True(refused.Status == 401, $"{path}: status {refused.Status}");
                Assert.Contains("WWW-Authenticate: Basic", refused.Response, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("pgreach_", refused.Response, StringComparison.Ordinal);
            }
        }

        var health = await CurlAsync(new Uri(agent.BaseAddress, "/healthz"), Trusted());
        Assert.Equal(200, health.Status);
    }

    [Theory]
    [InlineData("RequestClientCert", true, true, true)]
    [InlineData("RequireAnyClientCert", false, true, true)]
    [InlineData("VerifyClientCertIfGiven", true, true, false)]
    [InlineData("RequireAndVerifyClientCert", false, true, false)]
    public async Task Each_client_auth_type_admits_the_clients_go_would(string clientAuth, bool withoutCertificate, bool withOurs, bool withForeign)
    {
        await using var agent = await StartAgentAsync(WebConfig(clientAuth));
        var metrics = new Uri(agent.BaseAddress, "/metrics");

        var none = await CurlAsync(metrics, [.. Trusted(clientCertificate: false), .. Credentials()]);
        var ours = await CurlAsync(metrics, [.. Trusted(), .. Credentials()]);
        var foreign = await CurlAsync(metrics, ["--cacert", _pki.CaFile, "--cert", _pki.OtherClientCertFile, "--key", _pki.OtherClientKeyFile, .. Credentials()]);

        Assert.Equal((withoutCertificate, withOurs, withForeign), (none.Status == 200, ours.Status == 200, foreign.Status == 200));
    }

    [Fact]
    public async Task Client_allowed_sans_admit_only_a_listed_name()
    {
        await using var agent = await StartAgentAsync(WebConfig(extra: "").Replace("client_ca_file: ca.crt", "client_ca_file: ca.crt\n  client_allowed_sans: [other.test]", StringComparison.Ordinal));
        var metrics = new Uri(agent.BaseAddress, "/metrics");
        Assert.Equal(0, (await CurlAsync(metrics, [.. Trusted(), .. Credentials()])).Status);

        await File.WriteAllTextAsync(WebConfigFile, WebConfig().Replace("client_ca_file: ca.crt", "client_ca_file: ca.crt\n  client_allowed_sans: [other.test, prometheus.test]", StringComparison.Ordinal));

        await WaitForAsync(async () => (await CurlAsync(metrics, [.. Trusted(), .. Credentials()])).Status == 200 ? "ok" : null, TimeSpan.FromSeconds(15),
            "the client's SAN is allowed after the edit");
    }

    [Fact]
    public async Task The_rate_limit_answers_429_beyond_the_burst_and_leaves_healthz_alone()
    {
        await using var agent = await StartAgentAsync(WebConfig(extra: "rate_limit:\n  interval: 1h\n  burst: 2"));
        var metrics = new Uri(agent.BaseAddress, "/metrics");

        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await CurlAsync(metrics, [.. Trusted(), .. Credentials()])).Status);
        }

        Assert.Equal([200, 200, 429], statuses);
        Assert.Equal(200, (await CurlAsync(new Uri(agent.BaseAddress, "/healthz"), Trusted())).Status);
    }

    [Theory]
    [InlineData(true, "HTTP/2 200")]
    [InlineData(false, "HTTP/1.1 200")]
    public async Task Http2_is_offered_unless_the_file_turns_it_off(bool http2, string statusLine)
    {
        await using var agent = await StartAgentAsync(WebConfig().Replace("http_server_config:\n", $"http_server_config:\n  http2: {(http2 ? "true" : "false")}\n", StringComparison.Ordinal));

        var answer = await CurlAsync(new Uri(agent.BaseAddress, "/metrics"), ["--http2", .. Trusted(), .. Credentials()]);

        Assert.StartsWith(statusLine, answer.Response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prometheus_scrapes_the_agent_with_a_client_certificate_and_basic_auth()
    {
        await using var agent = await StartAgentAsync(WebConfig());
        await using var prometheus = await PrometheusProcess.StartAsync($$"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: pgreach
                scheme: https
                tls_config:
                  ca_file: {{_pki.CaFile}}
                  cert_file: {{_pki.ClientCertFile}}
                  key_file: {{_pki.ClientKeyFile}}
                basic_auth:
                  username: {{User}}
                  password: {{Password}}
                static_configs:
                  - targets: ["127.0.0.1:{{agent.BaseAddress.Port}}"]
              - job_name: pgreach-without-password
                scheme: https
                tls_config:
                  ca_file: {{_pki.CaFile}}
                  cert_file: {{_pki.ClientCertFile}}
                  key_file: {{_pki.ClientKeyFile}}
                static_configs:
                  - targets: ["127.0.0.1:{{agent.BaseAddress.Port}}"]
            """);

        await WaitForAsync(async () =>
        {
            var up = await prometheus.QueryAsync("up");
            var values = up.ToDictionary(s => s!["metric"]!["job"]!.GetValue<string>(), s => s!["value"]![1]!.GetValue<string>());
            return values.GetValueOrDefault("pgreach") == "1" && values.GetValueOrDefault("pgreach-without-password") == "0" ? "ok" : null;
        }, TimeSpan.FromSeconds(30), "Prometheus reports up 1 with credentials and 0 without");
        var build = await prometheus.QueryAsync("pgreach_build_info{job=\"pgreach\"}");
        Assert.Single(build);
    }

    [Fact]
    public async Task A_rotated_certificate_is_served_without_a_restart()
    {
        await using var agent = await StartAgentAsync(WebConfig());
        var before = await ServedSerialAsync(agent.BaseAddress);
        Assert.Equal(_pki.ServerSerial, before);

        var rotated = _pki.IssueServer();

        var served = await WaitForAsync(async () => await ServedSerialAsync(agent.BaseAddress) is var s && s == rotated ? s : null, TimeSpan.FromSeconds(15),
            "the rotated certificate is served");
        Assert.NotEqual(before, served);
        var scrape = await CurlAsync(new Uri(agent.BaseAddress, "/metrics"), [.. Trusted(), .. Credentials()]);
        Assert.Equal(200, scrape.Status);
    }

    [Fact]
    public async Task A_bad_edit_at_run_time_keeps_the_last_good_configuration_and_shows_in_the_metrics()
    {
        await using var agent = await StartAgentAsync(WebConfig());
        var metrics = new Uri(agent.BaseAddress, "/metrics");

        await File.WriteAllTextAsync(WebConfigFile, WebConfig().Replace("RequireAndVerifyClientCert", "RequireAndVerify", StringComparison.Ordinal));

        var rejected = await WaitForAsync(async () =>
        {
            var scrape = await CurlAsync(metrics, [.. Trusted(), .. Credentials()]);
            return scrape.Response.Contains("pgreach_web_config_last_reload_successful 0", StringComparison.Ordinal) ? scrape.Response : null;
        }, TimeSpan.FromSeconds(15), "the bad edit is rejected");
        Assert.Matches(@"pgreach_web_config_reloads_total\{result=""failure""\} [1-9]", rejected);
        Assert.Equal(401, (await CurlAsync(metrics, [.. Trusted(), .. Credentials(password: "wrong")])).Status);
        Assert.NotEqual(0, (await CurlAsync(metrics, [.. Trusted(clientCertificate: false), .. Credentials()])).Exit);

        // A good edit applies: a second user, and the first one's password still works.
        var second = WebConfig().Replace("basic_auth_users:\n", $"basic_auth_users:\n  ops: {BCrypt.Net.BCrypt.HashPassword("ops-pass", 5)}\n", StringComparison.Ordinal);
        await File.WriteAllTextAsync(WebConfigFile, second);
        await WaitForAsync(async () => (await CurlAsync(metrics, [.. Trusted(), .. Credentials("ops", "ops-pass")])).Status == 200 ? "ok" : null,
            TimeSpan.FromSeconds(15), "the good edit is loaded");
        var after = await CurlAsync(metrics, [.. Trusted(), .. Credentials()]);
        Assert.Contains("pgreach_web_config_last_reload_successful 1", after.Response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sighup_reloads_the_web_configuration_and_a_rejected_edit_is_logged_without_secrets()
    {
        await File.WriteAllTextAsync(WebConfigFile, WebConfig());
        var port = FreePort.Allocate(IPAddress.Loopback);
        await using var agent = AgentProcess.Start(["--web.config.file", WebConfigFile, "--web.listen-address", "127.0.0.1:0",
            "--PgReach:Targets:0:Host", "127.0.0.1", "--PgReach:Targets:0:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var address = await agent.WaitUntilListeningAsync();
        Assert.Equal("https", address.Scheme);
        var metrics = new Uri(address, "/metrics");
        async Task<string?> ReloadsWhen(string expected)
        {
            var scrape = await CurlAsync(metrics, [.. Trusted(), .. Credentials()]);
            return scrape.Response.Contains(expected, StringComparison.Ordinal) ? scrape.Response : null;
        }

        Assert.NotNull(await ReloadsWhen("pgreach_web_config_reloads_total{result=\"success\"} 0"));

        agent.Signal(1); // SIGHUP

        await WaitForAsync(() => ReloadsWhen("pgreach_web_config_reloads_total{result=\"success\"} 1"), TimeSpan.FromSeconds(15), "SIGHUP reloads");
        var secretHash = WebConfig().Split('\n').Single(l => l.TrimStart().StartsWith(User + ":", StringComparison.Ordinal)).Split(": ")[1];
        await File.WriteAllTextAsync(WebConfigFile, WebConfig() + "\nrate_limit: {interval: 1s, burst: many}\n");
        await WaitForAsync(() => Task.FromResult(agent.Output.Contains("Web configuration reload rejected", StringComparison.Ordinal) ? "logged" : null),
            TimeSpan.FromSeconds(15), "the rejected edit is logged");
        var logged = agent.Output.Split('\n').First(l => l.Contains("Web configuration reload rejected", StringComparison.Ordinal));
        Assert.Contains("rate_limit.burst", logged, StringComparison.Ordinal);
        Assert.Contains(WebConfigFile, logged, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, agent.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secretHash, agent.Output, StringComparison.Ordinal);
        Assert.Equal(200, (await CurlAsync(metrics, [.. Trusted(), .. Credentials()])).Status);
    }

    [Fact]
    public async Task A_bad_web_configuration_file_stops_start_up_with_one_line_naming_file_and_field()
    {
        await File.WriteAllTextAsync(WebConfigFile, "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS1.3\n");
        var port = FreePort.Allocate(IPAddress.Loopback);

        var run = await AgentCommand.RunAsync(["--web.config.file", WebConfigFile, "--urls", "https://127.0.0.1:0", "--PgReach:Targets:0:Host", "127.0.0.1",
            "--PgReach:Targets:0:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains(WebConfigFile, line, StringComparison.Ordinal);
        Assert.Contains("field 'tls_server_config.min_version'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_that_is_not_the_certificate_s_stops_start_up_without_showing_the_key()
    {
        File.Copy(_pki.ClientKeyFile, _pki.ServerKeyFile, overwrite: true);
        await File.WriteAllTextAsync(WebConfigFile, "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n");

        var run = await AgentCommand.RunAsync(["--web.config.file", WebConfigFile, "--web.listen-address", "127.0.0.1:0"]);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("field 'tls_server_config.cert_file'", line, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", run.Stderr + run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_example_web_config_in_deploy_is_read_as_documented()
    {
        var document = PgReachExporter.Configuration.WebConfigReader.Read(Path.Combine(RepositoryLayout.Root, "deploy/examples/web-config.yml"));

        Assert.Equal(PgReachExporter.Configuration.ClientAuthType.RequireAndVerifyClientCert, document.Tls?.ClientAuth);
        Assert.True(BCrypt.Net.BCrypt.Verify("change-me", document.Users["prometheus"]), "the example's password is the one its comment names");
    }

    /// <summary>The serial of the certificate the agent presents, read by a real TLS client.</summary>
    private async Task<string> ServedSerialAsync(Uri address)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, address.Port);
        await using var tls = new SslStream(tcp.GetStream());
        using var client = _pki.LoadClient();
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ClientCertificates = [client],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        return tls.RemoteCertificate is X509Certificate2 served ? served.SerialNumber : throw new InvalidOperationException("no server certificate");
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> attempt, TimeSpan bound, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            if (await attempt() is { } done)
            {
                return done;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {bound.TotalSeconds:0} s: {what}");
            }

            await Task.Delay(100);
        }
    }

    public void Dispose() => _pki.Dispose();
}

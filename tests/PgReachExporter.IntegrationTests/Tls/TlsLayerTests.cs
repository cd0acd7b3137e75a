using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.HostSignals;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.Observations;
using PgReachExporter.Scheduling;
using Xunit;

using static PgReachExporter.IntegrationTests.Tls.OneCycle;

namespace PgReachExporter.IntegrationTests.Tls;

/// <summary>
/// The TLS layer on real clusters with certificates the test makes: each failure an engineer would otherwise find with
/// <c>openssl s_client -starttls postgres</c> is named by its own cause, with the certificate's facts as evidence. The
/// scenario servers are shared by the class (<see cref="TlsScenarioClusters"/>); a test that changes a server makes its own.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class TlsLayerTests(ClusterFixture clusters, TlsScenarioClusters scenarios) : IClassFixture<TlsScenarioClusters>, IDisposable
{
    private const string Password = TlsScenarioClusters.Password;
    private readonly TestPki _pki = TestPki.Create("tls-own");

    public void Dispose() => _pki.Dispose();

    private string CaFile => scenarios.Pki.CaFile;

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task A_trusted_certificate_for_the_dialled_address_passes_verify_full_and_is_read_off_the_handshake(int major)
    {
        var servers = await scenarios.ForAsync(major);

        var record = await RunOnceAsync(Target(servers.Valid, SslMode.VerifyFull, CaFile));

        var tls = Assert.IsType<TlsObservation>(record.Cycle.Find<TlsObservation>());
        Assert.Equal(TlsProbeResult.Handshake, tls.Result);
        Assert.Equal("TLSv1.3", tls.Protocol);
        Assert.Equal(servers.ValidCertificate.NotAfter.ToUniversalTime(), tls.EarliestExpiry!.Value.UtcDateTime, TimeSpan.FromSeconds(1));
        Assert.Equal(TlsTrust.Trusted, tls.Judgement!.Trust);
        Assert.True(tls.Judgement.NameMatches);
        Assert.Equal(LoginResult.Ok, record.Cycle.Login.Result);
        Assert.Equal(["ok"], Causes(record));

        // The page, the API and diagnose show the handshake as a step, as openssl s_client would have.
        var step = Assert.Single(PgReachExporter.Web.TargetStatusMapper.Steps(record.Target, record.Cycle), s => s.Step == "tls");
        Assert.Equal("handshake", step.Result);
        Assert.Contains("issued by \"CN=PgReach tls CA\"", step.Detail);
        Assert.Contains("127.0.0.1", step.Detail);
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task An_expired_certificate_is_named_critical_for_verify_full_and_a_warning_for_prefer(int major)
    {
        var servers = await scenarios.ForAsync(major);

        var verifying = await RunOnceAsync(Target(servers.Expired, SslMode.VerifyFull, CaFile));
        var finding = Finding(verifying, "tls_certificate_expired");
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains(finding.Evidence, e => e.Contains("expired", StringComparison.Ordinal) && e.Contains("days ago", StringComparison.Ordinal));
        Assert.NotEqual(LoginResult.Ok, verifying.Cycle.Login.Result);
        Assert.DoesNotContain("login_error", Causes(verifying));

        var preferring = await RunOnceAsync(Target(servers.Expired, SslMode.Prefer, rootCert: null));
        Assert.Equal(Severity.Warning, Finding(preferring, "tls_certificate_expired").Severity);
        Assert.Equal(LoginResult.Ok, preferring.Cycle.Login.Result);
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task A_certificate_not_valid_yet_is_named_with_its_start_and_this_hosts_clock(int major)
    {
        var servers = await scenarios.ForAsync(major);

        var record = await RunOnceAsync(Target(servers.NotYetValid, SslMode.VerifyCA, CaFile));

        var finding = Finding(record, "tls_certificate_not_yet_valid");
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains(finding.Evidence, e => e.Contains("is valid only from", StringComparison.Ordinal) && e.Contains("this host's clock says", StringComparison.Ordinal));
        Assert.NotEqual(LoginResult.Ok, record.Cycle.Login.Result);
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task A_certificate_from_another_authority_is_untrusted_and_the_evidence_names_its_issuer(int major)
    {
        var servers = await scenarios.ForAsync(major);

        var record = await RunOnceAsync(Target(servers.Valid, SslMode.VerifyCA, scenarios.OtherAuthority.CaFile));

        var finding = Finding(record, "tls_certificate_untrusted");
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains(finding.Evidence, e => e.Contains("CN=PgReach tls CA", StringComparison.Ordinal));
        Assert.NotEqual(LoginResult.Ok, record.Cycle.Login.Result);
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task A_certificate_without_the_dialled_name_fails_verify_full_and_the_evidence_lists_its_names(int major)
    {
        var servers = await scenarios.ForAsync(major);

        var full = await RunOnceAsync(Target(servers.WrongName, SslMode.VerifyFull, CaFile));
        var finding = Finding(full, "tls_hostname_mismatch");
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains(finding.Evidence, e => e.Contains("db.internal.example", StringComparison.Ordinal) && e.Contains("127.0.0.1", StringComparison.Ordinal));

        // verify-ca does not compare names: the same server is fine for it.
        var ca = await RunOnceAsync(Target(servers.WrongName, SslMode.VerifyCA, CaFile));
        Assert.Equal(["ok"], Causes(ca));
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task A_server_with_ssl_off_is_named_when_the_client_requires_tls(int major)
    {
        var servers = await scenarios.ForAsync(major);

        var record = await RunOnceAsync(Target(servers.SslOff, SslMode.Require, rootCert: null));

        Assert.Equal(TlsProbeResult.ServerRefused, record.Cycle.Find<TlsObservation>()!.Result);
        Assert.Equal(Severity.Critical, Finding(record, "tls_unsupported_by_server").Severity);

        // With the server's own view, the evidence carries the setting itself.
        var withServer = await RunOnceAsync(Target(servers.SslOff, SslMode.Require, rootCert: null) with { Monitoring = Monitoring(servers.SslOff) });
        Assert.Contains("server: ssl = off (SHOW ssl)", Finding(withServer, "tls_unsupported_by_server").Evidence);
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task A_plain_login_refused_by_hostssl_only_rules_says_it_lacked_tls_and_a_tls_login_gets_in(int major)
    {
        var servers = await scenarios.ForAsync(major);
        var sslOnly = Target(servers.Valid, SslMode.Disable, rootCert: null) with { Username = TlsScenarioClusters.SslOnly };

        // PostgreSQL answers "no pg_hba.conf entry ..., no encryption": the same words as for a client no line names.
        var plain = await RunOnceAsync(sslOnly with { Tls = new TlsDefinition { Probe = true } });
        Assert.Equal(LoginResult.NoHbaEntry, plain.Cycle.Login.Result);
        Assert.Contains(Finding(plain, "hba_no_entry").Evidence, e => e.Contains("without TLS", StringComparison.Ordinal) && e.Contains("server offers TLS", StringComparison.Ordinal));

        // With the rules in force the agent judges this very connection (from its source address): only hostssl admits it.
        var judged = await RunOnceAsync(sslOnly with { Monitoring = Monitoring(servers.Valid) });
        var required = Finding(judged, "tls_required_by_server");
        Assert.Equal(Severity.Critical, required.Severity);
        Assert.Contains(required.Evidence, e => e.Contains("(hostssl) admits ssluser from 127.0.0.1 to postgres only over TLS", StringComparison.Ordinal));
        Assert.DoesNotContain("hba_no_entry", Causes(judged));

        var encrypted = await RunOnceAsync(sslOnly with { SslMode = SslMode.Require });
        Assert.Equal(["ok"], Causes(encrypted));
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task A_server_that_requires_a_client_certificate_is_named_without_one_and_admits_with_one(int major)
    {
        var servers = await scenarios.ForAsync(major);
        var certUser = Target(servers.Valid, SslMode.VerifyFull, CaFile) with { Username = TlsScenarioClusters.CertUser };

        // The server asks for a certificate in the handshake but decides at the pg_hba line: the login says so.
        var without = await RunOnceAsync(certUser);
        Assert.Equal(LoginResult.ClientCertificateRejected, without.Cycle.Login.Result);
        Assert.Equal(Severity.Critical, Finding(without, "tls_client_certificate_required_or_rejected").Severity);

        // A certificate from an authority the server does not trust ends the handshake itself (a TLS 1.3 alert after it,
        // which the login reads as a broken stream: the probe says why).
        var untrusted = await RunOnceAsync(certUser with { Tls = new TlsDefinition { RootCert = CaFile, Cert = servers.StrangerCert, Key = servers.StrangerKey } });
        Assert.Equal(TlsProbeResult.ClientCertificateRejected, untrusted.Cycle.Find<TlsObservation>()!.Result);
        Assert.Equal(Severity.Critical, Finding(untrusted, "tls_client_certificate_required_or_rejected").Severity);

        var with = await RunOnceAsync(certUser with { Tls = new TlsDefinition { RootCert = CaFile, Cert = servers.ClientCert, Key = servers.ClientKey } });
        Assert.Equal(TlsProbeResult.Handshake, with.Cycle.Find<TlsObservation>()!.Result);
        Assert.Equal(LoginResult.Ok, with.Cycle.Login.Result);
        Assert.Equal(["ok"], Causes(with));
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task A_certificate_inside_the_warning_window_is_a_warning_while_logins_still_work(int major)
    {
        var servers = await scenarios.ForAsync(major);

        var record = await RunOnceAsync(Target(servers.Expiring, SslMode.VerifyFull, CaFile));

        var finding = Finding(record, "tls_certificate_expiring");
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Contains(finding.Evidence, e => e.Contains("in 4 days", StringComparison.Ordinal) || e.Contains("in 5 days", StringComparison.Ordinal));
        Assert.Equal(LoginResult.Ok, record.Cycle.Login.Result);
        Assert.True(record.Cycle.Up);
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task Versions_that_do_not_overlap_are_a_protocol_mismatch_that_names_both_sides(int major)
    {
        var servers = await scenarios.ForAsync(major);

        // libpq's defaults (TLSv1.2 to the newest) reach the TLSv1.3-only server; the other test cases show that.
        // A client limited to TLSv1.2 (ssl_max_protocol_version) gets no version in common: the probe and the login agree.
        var limited = await RunOnceAsync(Target(servers.Valid, SslMode.Require, rootCert: null) with
        {
            Tls = new TlsDefinition { MaxProtocol = TlsProtocolVersion.Tls12 },
            Monitoring = Monitoring(servers.Valid),
        });
        Assert.Equal(TlsProbeResult.ProtocolMismatch, limited.Cycle.Find<TlsObservation>()!.Result);
        Assert.Equal(LoginResult.TlsProtocolMismatch, limited.Cycle.Login.Result);
        var finding = Assert.Single(limited.Verdict!.Findings, f => f.Layer == DiagnosisLayer.Tls);
        Assert.Equal(("tls_protocol_mismatch", Severity.Critical), (finding.Cause.Label, finding.Severity));
        Assert.Contains("server allows TLSv1.3 to the newest (ssl_min_protocol_version, ssl_max_protocol_version)", finding.Evidence);
        Assert.Contains("the server's ssl_min_protocol_version TLSv1.3 is newer than the newest version the client offers, TLSv1.2", finding.Evidence);
        Assert.Contains("client allows TLSv1.2 to TLSv1.2 (the target's SslMinProtocolVersion, SslMaxProtocolVersion)", finding.Evidence);
        Assert.Contains(finding.Evidence, e => e.Contains("protocol version", StringComparison.Ordinal));

        // The reverse: a server that allows at most TLSv1.2, a client whose minimum is TLSv1.3.
        var reverse = await RunOnceAsync(Target(servers.WrongName, SslMode.Require, rootCert: null) with
        {
            Tls = new TlsDefinition { MinProtocol = TlsProtocolVersion.Tls13 },
            Monitoring = Monitoring(servers.WrongName),
        });
        Assert.Equal(LoginResult.TlsProtocolMismatch, reverse.Cycle.Login.Result);
        Assert.Contains("the server's ssl_max_protocol_version TLSv1.2 is older than the oldest version the client offers, TLSv1.3",
            Finding(reverse, "tls_protocol_mismatch").Evidence);
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task Every_scenario_is_named_alike_by_metrics_the_api_and_diagnose_and_its_series_go_with_it(int major)
    {
        var servers = await scenarios.ForAsync(major);
        var scenarioList = Scenarios(servers);
        await using var agent = await RunningAgent.StartAsync(RunningAgent.Config([.. scenarioList.Select(s => s.Target)]));

        // The monitoring connection's view runs on its own loop: the file's expiry may come a moment after the first verdicts.
        var scrape = await agent.WaitForAsync(s => scenarioList.All(x => s.Value("pgreach_diagnosis", $"target={x.Name}", $"cause={x.Cause}") == 1)
            && s.Value("pgreach_tls_certificate_file_expiry_timestamp_seconds", "target=tls-valid") is not null,
            TimeSpan.FromSeconds(30), "every scenario's cause and the certificate file's expiry");

        foreach (var (name, _, cause, reachable) in scenarioList)
        {
            Assert.True((reachable ? 1 : 0) == scrape.Value("pgreach_up", $"target={name}"), $"{name}: pgreach_up");
            var handshake = cause is not ("tls_unsupported_by_server" or "tls_protocol_mismatch");
            Assert.True(handshake == (scrape.Value("pgreach_tls_certificate_expiry_timestamp_seconds", $"target={name}") is not null), $"{name}: expiry series");
            Assert.True(handshake == scrape.Find("pgreach_tls_info", $"target={name}").Any(), $"{name}: pgreach_tls_info");
            Assert.True(scrape.Value("pgreach_tls_handshake_duration_seconds", $"target={name}") >= 0, $"{name}: handshake duration");
        }

        Assert.Equal(new DateTimeOffset(servers.ValidCertificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds(),
            scrape.Value("pgreach_tls_certificate_expiry_timestamp_seconds", "target=tls-valid"));
        Assert.Equal(new DateTimeOffset(servers.ValidCertificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds(),
            scrape.Value("pgreach_tls_certificate_file_expiry_timestamp_seconds", "target=tls-valid"));
        Assert.Equal(["CN=localhost", "CN=PgReach tls CA", "TLSv1.3"],
            [.. scrape.Find("pgreach_tls_info", "target=tls-valid").Select(i => new[] { i["subject"], i["issuer"], i["version"] }).Single()!]);
        Assert.Equal("tls_protocol_mismatch", scrape.Current("pgreach_login_result", "target=tls-protocol"));
        Assert.DoesNotContain(Password, scrape.Text, StringComparison.Ordinal);

        // The API: each target's findings name its cause, and its steps show the TLS probe.
        var api = await agent.WaitForTargetsAsync(root => scenarioList.All(x => Causes(root, x.Name).Contains(x.Cause)), TimeSpan.FromSeconds(10));
        foreach (var (name, _, cause, reachable) in scenarioList)
        {
            var target = TargetOf(api, name);
            Assert.Equal(reachable, target.GetProperty("reachable").GetBoolean());
            Assert.Contains(target.GetProperty("probes").EnumerateArray(), p => p.GetProperty("step").GetString() == "tls");
        }

        Assert.DoesNotContain(Password, api.GetRawText(), StringComparison.Ordinal);

        // diagnose, as a person would run it against the same configuration: the same cause, exit 1 when unreachable.
        // Two at a time: eleven processes starting at once on two cores would push a login past its 2 s timeout.
        using var slots = new SemaphoreSlim(2);
        var runs = await Task.WhenAll(scenarioList.Select(async x =>
        {
            await slots.WaitAsync();
            try
            {
                return await DiagnoseAsync(agent.ConfigFile, x.Name);
            }
            finally
            {
                slots.Release();
            }
        }));
        foreach (var ((name, _, cause, reachable), run) in scenarioList.Zip(runs))
        {
            Assert.True(run.ExitCode == (reachable ? 0 : 1), $"{name}: {run}");
            using var report = JsonDocument.Parse(run.Stdout);
            Assert.Contains(cause, report.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("cause").GetString()));
            Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
        }

        // Removed targets take their TLS series and their causes with them.
        await File.WriteAllTextAsync(agent.ConfigFile, JsonSerializer.Serialize(RunningAgent.Config(
            RunningAgent.Target("other", "127.0.0.1", servers.SslOff.Port, password: Password))));
        await agent.WaitForAsync(s => !s.Samples.Any(x => x.Name.StartsWith("pgreach_", StringComparison.Ordinal) && x["target"]?.StartsWith("tls-", StringComparison.Ordinal) == true),
            TimeSpan.FromSeconds(20), "every series of the removed targets gone");
    }

    /// <summary>One target per scenario: its name, its configuration, the cause the agent must name, whether it logs in.</summary>
    private IReadOnlyList<(string Name, Dictionary<string, object?> Target, string Cause, bool Reachable)> Scenarios(TlsScenarioServers servers)
    {
        Dictionary<string, object?> On(string name, PostgresCluster cluster, string sslMode, string? root = null, string user = TlsScenarioClusters.App)
        {
            var target = RunningAgent.Target(name, "127.0.0.1", cluster.Port, username: user, password: Password, sslMode: sslMode, timeout: "2s", interval: "3s");
            target["SslRootCert"] = root;
            return target;
        }

        var monitored = On("tls-valid", servers.Valid, "VerifyFull", CaFile);
        monitored["Monitoring"] = MonitoringConfig(servers.Valid);
        var hostsslOnly = On("tls-hostssl-only", servers.Valid, "Disable", user: TlsScenarioClusters.SslOnly);
        hostsslOnly["TlsProbe"] = true;
        hostsslOnly["Monitoring"] = MonitoringConfig(servers.Valid);
        var protocol = On("tls-protocol", servers.Valid, "Require");
        protocol["SslMaxProtocolVersion"] = "TLSv1.2";
        var withCertificate = On("tls-clientcert", servers.Valid, "VerifyFull", CaFile, TlsScenarioClusters.CertUser);
        withCertificate["SslCert"] = servers.ClientCert;
        withCertificate["SslKey"] = servers.ClientKey;
        return
        [
            ("tls-valid", monitored, "ok", true),
            ("tls-expired", On("tls-expired", servers.Expired, "VerifyFull", CaFile), "tls_certificate_expired", false),
            ("tls-not-yet-valid", On("tls-not-yet-valid", servers.NotYetValid, "VerifyCA", CaFile), "tls_certificate_not_yet_valid", false),
            ("tls-other-ca", On("tls-other-ca", servers.Valid, "VerifyCA", scenarios.OtherAuthority.CaFile), "tls_certificate_untrusted", false),
            ("tls-wrong-name", On("tls-wrong-name", servers.WrongName, "VerifyFull", CaFile), "tls_hostname_mismatch", false),
            ("tls-ssl-off", On("tls-ssl-off", servers.SslOff, "Require"), "tls_unsupported_by_server", false),
            ("tls-hostssl-only", hostsslOnly, "tls_required_by_server", false),
            ("tls-protocol", protocol, "tls_protocol_mismatch", false),
            ("tls-clientcert-missing", On("tls-clientcert-missing", servers.Valid, "VerifyFull", CaFile, TlsScenarioClusters.CertUser),
                "tls_client_certificate_required_or_rejected", false),
            ("tls-clientcert", withCertificate, "ok", true),
            ("tls-expiring", On("tls-expiring", servers.Expiring, "VerifyFull", CaFile), "tls_certificate_expiring", true),
        ];
    }

    private static Dictionary<string, object?> MonitoringConfig(PostgresCluster cluster) => new()
    {
        ["Uri"] = $"postgresql://{PostgresCluster.Superuser}@/postgres?host={cluster.SocketDirectory}&port={cluster.Port}",
    };

    private static Task<AgentCommand.Result> DiagnoseAsync(string configFile, string target) =>
        Diagnosis.DiagnoseProcess.RunAsync(["--config", configFile, target, "--json"]);

    private static JsonElement TargetOf(JsonElement root, string name) =>
        root.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("name").GetString() == name);

    private static string[] Causes(CycleRecord record) => OneCycle.Causes(record);

    private static string?[] Causes(JsonElement root, string name) =>
        [.. TargetOf(root, name).GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("cause").GetString())];

    [Theory]
    [InlineData(17, true)]
    [InlineData(18, true)]
    [InlineData(16, false)]
    public async Task The_direct_handshake_works_from_postgresql_17_and_fails_before_it(int major, bool accepted)
    {
        var (cert, key, _) = _pki.IssueServer($"direct-{major}");
        await using var cluster = await StartAsync(major, TestPki.ServerSettings(cert, key));

        var record = await RunOnceAsync(Target(cluster, SslMode.VerifyFull, _pki.CaFile) with
        {
            Tls = new TlsDefinition { RootCert = _pki.CaFile, DirectHandshake = true },
        });

        var tls = record.Cycle.Find<TlsObservation>()!;
        Assert.True(tls.DirectHandshake);
        Assert.Equal(accepted ? TlsProbeResult.Handshake : TlsProbeResult.HandshakeFailed, tls.Result);
        Assert.Equal(accepted, record.Verdict!.Findings.All(f => f.Layer != DiagnosisLayer.Tls));
    }

    /// <summary>The oldest and the newest major: the TLS layer is asserted on both.</summary>
    public static TheoryData<int> Majors => new() { 15, 18 };

    private async Task<PostgresCluster> StartAsync(int? major, Dictionary<string, string> settings, IReadOnlyList<string>? hba = null)
    {
        var cluster = await clusters.NewClusterAsync(new ClusterOptions
        {
            Major = major,
            ExtraConfig = settings,
            HbaLines = hba ?? ["host all all 127.0.0.1/32 scram-sha-256"],
        });
        await cluster.CreateRoleAsync("app", Password);
        return cluster;
    }

    private static TargetDefinition Target(PostgresCluster cluster, SslMode mode, string? rootCert) => new()
    {
        Name = "tls",
        Host = "127.0.0.1",
        Port = cluster.Port,
        Database = "postgres",
        Username = "app",
        Password = new LiteralPassword(Password),
        SslMode = mode,
        Tls = new TlsDefinition { RootCert = rootCert },
        ConnectTimeout = TimeSpan.FromSeconds(3),
        Interval = TimeSpan.FromSeconds(15),
    };

    /// <summary>The superuser over the cluster's Unix socket: the server's own view.</summary>
    private static MonitoringDefinition Monitoring(PostgresCluster cluster) => new()
    {
        Host = cluster.SocketDirectory,
        Port = cluster.Port,
        Database = "postgres",
        Username = PostgresCluster.Superuser,
        ConnectTimeout = TimeSpan.FromSeconds(3),
        StatementTimeout = TimeSpan.FromSeconds(3),
    };
}

using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.HostSignals;
using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.Observations;
using PgReachExporter.Scheduling;
using Xunit;

namespace PgReachExporter.IntegrationTests.Tls;

/// <summary>
/// The TLS layer on real clusters with certificates the test makes: each failure an engineer would otherwise find with
/// <c>openssl s_client -starttls postgres</c> is named by its own cause, with the certificate's facts as evidence.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class TlsLayerTests(ClusterFixture clusters) : IDisposable
{
    private const string Password = "tls-test-secret";
    private readonly TestPki _pki = TestPki.Create("tls");

    public void Dispose() => _pki.Dispose();

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task A_trusted_certificate_for_the_dialled_address_passes_verify_full_and_is_read_off_the_handshake(int major)
    {
        var (cert, key, certificate) = _pki.IssueServer($"{Guid.NewGuid():N}-good");
        await using var cluster = await StartAsync(major, TestPki.ServerSettings(cert, key));

        var record = await RunOnceAsync(Target(cluster, SslMode.VerifyFull, _pki.CaFile));

        var tls = Assert.IsType<TlsObservation>(record.Cycle.Find<TlsObservation>());
        Assert.Equal(TlsProbeResult.Handshake, tls.Result);
        Assert.StartsWith("TLSv1.", tls.Protocol);
        Assert.Equal(certificate.NotAfter.ToUniversalTime(), tls.EarliestExpiry!.Value.UtcDateTime, TimeSpan.FromSeconds(1));
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
        var (cert, key, _) = _pki.IssueServer($"{Guid.NewGuid():N}-expired", notBefore: DateTimeOffset.UtcNow.AddDays(-30), notAfter: DateTimeOffset.UtcNow.AddDays(-2));
        await using var cluster = await StartAsync(major, TestPki.ServerSettings(cert, key));

        var verifying = await RunOnceAsync(Target(cluster, SslMode.VerifyFull, _pki.CaFile));
        var finding = Finding(verifying, "tls_certificate_expired");
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains(finding.Evidence, e => e.Contains("expired", StringComparison.Ordinal) && e.Contains("days ago", StringComparison.Ordinal));
        Assert.NotEqual(LoginResult.Ok, verifying.Cycle.Login.Result);
        Assert.DoesNotContain("login_error", Causes(verifying));

        var preferring = await RunOnceAsync(Target(cluster, SslMode.Prefer, rootCert: null));
        Assert.Equal(Severity.Warning, Finding(preferring, "tls_certificate_expired").Severity);
        Assert.Equal(LoginResult.Ok, preferring.Cycle.Login.Result);
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task A_certificate_not_valid_yet_is_named_with_its_start_and_this_hosts_clock(int major)
    {
        var (cert, key, _) = _pki.IssueServer($"{Guid.NewGuid():N}-future", notBefore: DateTimeOffset.UtcNow.AddDays(3), notAfter: DateTimeOffset.UtcNow.AddDays(60));
        await using var cluster = await StartAsync(major, TestPki.ServerSettings(cert, key));

        var record = await RunOnceAsync(Target(cluster, SslMode.VerifyCA, _pki.CaFile));

        var finding = Finding(record, "tls_certificate_not_yet_valid");
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains(finding.Evidence, e => e.Contains("is valid only from", StringComparison.Ordinal) && e.Contains("this host's clock says", StringComparison.Ordinal));
        Assert.NotEqual(LoginResult.Ok, record.Cycle.Login.Result);
    }

    [Fact]
    public async Task Diagnose_names_an_expired_certificate_as_the_agent_does_and_exits_1()
    {
        var (cert, key, _) = _pki.IssueServer($"{Guid.NewGuid():N}-diagnose", notBefore: DateTimeOffset.UtcNow.AddDays(-30), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        await using var cluster = await StartAsync(null, TestPki.ServerSettings(cert, key));

        var run = await Diagnosis.DiagnoseProcess.RunAsync(
            [$"postgresql://app@127.0.0.1:{cluster.Port}/postgres?sslmode=verify-full&sslrootcert={_pki.CaFile}", "--timeout", "3s"],
            new Dictionary<string, string> { ["PGPASSWORD"] = Password });

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("tls_certificate_expired", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"tls\s+127\.0\.0\.1:\d+\s+handshake", run.Stdout);
        Assert.Contains("issued by \"CN=PgReach tls CA\"", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task A_certificate_from_another_authority_is_untrusted_and_the_evidence_names_its_issuer(int major)
    {
        var (cert, key, _) = _pki.IssueServer($"{Guid.NewGuid():N}-other-ca");
        await using var cluster = await StartAsync(major, TestPki.ServerSettings(cert, key));
        using var otherAuthority = TestPki.Create("rotated");

        var record = await RunOnceAsync(Target(cluster, SslMode.VerifyCA, otherAuthority.CaFile));

        var finding = Finding(record, "tls_certificate_untrusted");
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains(finding.Evidence, e => e.Contains("CN=PgReach tls CA", StringComparison.Ordinal));
        Assert.NotEqual(LoginResult.Ok, record.Cycle.Login.Result);
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task A_certificate_without_the_dialled_name_fails_verify_full_and_the_evidence_lists_its_names(int major)
    {
        var (cert, key, _) = _pki.IssueServer($"{Guid.NewGuid():N}-wrong-name", commonName: "db.internal.example", dnsNames: ["db.internal.example"], addresses: []);
        await using var cluster = await StartAsync(major, TestPki.ServerSettings(cert, key));

        var full = await RunOnceAsync(Target(cluster, SslMode.VerifyFull, _pki.CaFile));
        var finding = Finding(full, "tls_hostname_mismatch");
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains(finding.Evidence, e => e.Contains("db.internal.example", StringComparison.Ordinal) && e.Contains("127.0.0.1", StringComparison.Ordinal));

        // verify-ca does not compare names: the same server is fine for it.
        var ca = await RunOnceAsync(Target(cluster, SslMode.VerifyCA, _pki.CaFile));
        Assert.Equal(["ok"], Causes(ca));
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task A_server_with_ssl_off_is_named_when_the_client_requires_tls(int major)
    {
        await using var cluster = await StartAsync(major, new Dictionary<string, string> { ["ssl"] = "off" });

        var record = await RunOnceAsync(Target(cluster, SslMode.Require, rootCert: null));

        Assert.Equal(TlsProbeResult.ServerRefused, record.Cycle.Find<TlsObservation>()!.Result);
        Assert.Equal(Severity.Critical, Finding(record, "tls_unsupported_by_server").Severity);

        // With the server's own view, the evidence carries the setting itself.
        var withServer = await RunOnceAsync(Target(cluster, SslMode.Require, rootCert: null) with { Monitoring = Monitoring(cluster) });
        Assert.Contains("server: ssl = off (SHOW ssl)", Finding(withServer, "tls_unsupported_by_server").Evidence);
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task A_plain_login_refused_by_hostssl_only_rules_says_it_lacked_tls_and_a_tls_login_gets_in(int major)
    {
        var (cert, key, _) = _pki.IssueServer($"{Guid.NewGuid():N}-hostssl");
        await using var cluster = await StartAsync(major, TestPki.ServerSettings(cert, key), ["hostssl all all 127.0.0.1/32 scram-sha-256"]);

        // PostgreSQL answers "no pg_hba.conf entry ..., no encryption": the same words as for a client no line names.
        var plain = await RunOnceAsync(Target(cluster, SslMode.Disable, rootCert: null) with { Tls = new TlsDefinition { Probe = true } });
        Assert.Equal(LoginResult.NoHbaEntry, plain.Cycle.Login.Result);
        Assert.Contains(Finding(plain, "hba_no_entry").Evidence, e => e.Contains("without TLS", StringComparison.Ordinal) && e.Contains("server offers TLS", StringComparison.Ordinal));

        // With the rules in force the agent judges this very connection (from its source address): only hostssl admits it.
        var judged = await RunOnceAsync(Target(cluster, SslMode.Disable, rootCert: null) with { Monitoring = Monitoring(cluster) });
        var required = Finding(judged, "tls_required_by_server");
        Assert.Equal(Severity.Critical, required.Severity);
        Assert.Contains(required.Evidence, e => e.Contains("(hostssl) admits app from 127.0.0.1 to postgres only over TLS", StringComparison.Ordinal));
        Assert.DoesNotContain("hba_no_entry", Causes(judged));

        var encrypted = await RunOnceAsync(Target(cluster, SslMode.Require, rootCert: null));
        Assert.Equal(["ok"], Causes(encrypted));
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task A_server_that_requires_a_client_certificate_is_named_without_one_and_admits_with_one(int major)
    {
        var (cert, key, _) = _pki.IssueServer($"{Guid.NewGuid():N}-clientcert");
        await using var cluster = await StartAsync(major, TestPki.ServerSettings(cert, key, _pki.CaFile),
            ["hostssl all all 127.0.0.1/32 scram-sha-256 clientcert=verify-full"]);

        // The server asks for a certificate in the handshake but decides at the pg_hba line: the login says so.
        var without = await RunOnceAsync(Target(cluster, SslMode.VerifyFull, _pki.CaFile));
        Assert.Equal(LoginResult.ClientCertificateRejected, without.Cycle.Login.Result);
        Assert.Equal(Severity.Critical, Finding(without, "tls_client_certificate_required_or_rejected").Severity);

        // A certificate from an authority the server does not trust ends the handshake itself.
        using var stranger = TestPki.Create("stranger");
        var (strangerCert, strangerKey, _) = stranger.IssueClient("stranger-client", "app");
        var untrusted = await RunOnceAsync(Target(cluster, SslMode.VerifyFull, _pki.CaFile) with
        {
            Tls = new TlsDefinition { RootCert = _pki.CaFile, Cert = strangerCert, Key = strangerKey },
        });
        Assert.Equal(TlsProbeResult.ClientCertificateRejected, untrusted.Cycle.Find<TlsObservation>()!.Result);
        Assert.Equal(Severity.Critical, Finding(untrusted, "tls_client_certificate_required_or_rejected").Severity);

        var (clientCert, clientKey, _) = _pki.IssueClient($"{Guid.NewGuid():N}-app-client", "app");
        var with = await RunOnceAsync(Target(cluster, SslMode.VerifyFull, _pki.CaFile) with
        {
            Tls = new TlsDefinition { RootCert = _pki.CaFile, Cert = clientCert, Key = clientKey },
        });
        Assert.Equal(TlsProbeResult.Handshake, with.Cycle.Find<TlsObservation>()!.Result);
        Assert.Equal(LoginResult.Ok, with.Cycle.Login.Result);
        Assert.Equal(["ok"], Causes(with));
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task A_certificate_inside_the_warning_window_is_a_warning_while_logins_still_work(int major)
    {
        var (cert, key, _) = _pki.IssueServer($"{Guid.NewGuid():N}-expiring", notAfter: DateTimeOffset.UtcNow.AddDays(5));
        await using var cluster = await StartAsync(major, TestPki.ServerSettings(cert, key));

        var record = await RunOnceAsync(Target(cluster, SslMode.VerifyFull, _pki.CaFile));

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
        var (cert, key, _) = _pki.IssueServer($"{Guid.NewGuid():N}-protocol");
        var settings = TestPki.ServerSettings(cert, key);
        settings["ssl_min_protocol_version"] = "TLSv1.3";
        await using var cluster = await StartAsync(major, settings);

        // libpq's defaults (TLSv1.2 to the newest) reach a TLSv1.3-only server.
        var defaults = await RunOnceAsync(Target(cluster, SslMode.Require, rootCert: null));
        Assert.Equal("TLSv1.3", defaults.Cycle.Find<TlsObservation>()!.Protocol);
        Assert.Equal(["ok"], Causes(defaults));

        // A client limited to TLSv1.2 (ssl_max_protocol_version) gets no version in common: the probe and the login agree.
        var limited = await RunOnceAsync(Target(cluster, SslMode.Require, rootCert: null) with
        {
            Tls = new TlsDefinition { MaxProtocol = TlsProtocolVersion.Tls12 },
            Monitoring = Monitoring(cluster),
        });
        Assert.Equal(TlsProbeResult.ProtocolMismatch, limited.Cycle.Find<TlsObservation>()!.Result);
        Assert.Equal(LoginResult.TlsProtocolMismatch, limited.Cycle.Login.Result);
        var finding = Assert.Single(limited.Verdict!.Findings, f => f.Layer == DiagnosisLayer.Tls);
        Assert.Equal(("tls_protocol_mismatch", Severity.Critical), (finding.Cause.Label, finding.Severity));
        Assert.Contains("server allows TLSv1.3 to the newest (ssl_min_protocol_version, ssl_max_protocol_version)", finding.Evidence);
        Assert.Contains("the server's ssl_min_protocol_version TLSv1.3 is newer than the newest version the client offers, TLSv1.2", finding.Evidence);
        Assert.Contains("client allows TLSv1.2 to TLSv1.2 (the target's SslMinProtocolVersion, SslMaxProtocolVersion)", finding.Evidence);
        Assert.Contains(finding.Evidence, e => e.Contains("protocol version", StringComparison.Ordinal));

        // The reverse after a reload: the server allows at most TLSv1.2, the client at least TLSv1.3.
        await cluster.ExecuteAsync("ALTER SYSTEM SET ssl_min_protocol_version = 'TLSv1.2'");
        await cluster.ExecuteAsync("ALTER SYSTEM SET ssl_max_protocol_version = 'TLSv1.2'");
        await cluster.ReloadAsync();
        var reverse = await RunOnceAsync(Target(cluster, SslMode.Require, rootCert: null) with
        {
            Tls = new TlsDefinition { MinProtocol = TlsProtocolVersion.Tls13 },
            Monitoring = Monitoring(cluster),
        });
        Assert.Equal(LoginResult.TlsProtocolMismatch, reverse.Cycle.Login.Result);
        Assert.Contains("the server's ssl_max_protocol_version TLSv1.2 is older than the oldest version the client offers, TLSv1.3",
            Finding(reverse, "tls_protocol_mismatch").Evidence);
    }

    [Fact]
    public async Task The_agent_exports_the_earliest_expiry_the_handshake_and_the_expiring_cause_and_drops_them_with_the_target()
    {
        var (cert, key, certificate) = _pki.IssueServer($"{Guid.NewGuid():N}-agent", notAfter: DateTimeOffset.UtcNow.AddDays(6));
        await using var cluster = await StartAsync(null, TestPki.ServerSettings(cert, key));
        var target = Agent.RunningAgent.Target("tls-agent", "127.0.0.1", cluster.Port, password: Password, sslMode: "VerifyFull", timeout: "2s", interval: "3s");
        target["SslRootCert"] = _pki.CaFile;
        await using var agent = await Agent.RunningAgent.StartAsync(Agent.RunningAgent.Config(target));

        var scrape = await agent.WaitForAsync(s => s.Value("pgreach_diagnosis", "target=tls-agent", "cause=tls_certificate_expiring") == 1,
            TimeSpan.FromSeconds(20), "the expiring certificate's cause");

        Assert.Equal(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds(),
            scrape.Value("pgreach_tls_certificate_expiry_timestamp_seconds", "target=tls-agent"));
        var info = Assert.Single(scrape.Find("pgreach_tls_info", "target=tls-agent"));
        Assert.StartsWith("TLSv1.", info["version"]);
        Assert.Equal("CN=localhost", info["subject"]);
        Assert.Equal("CN=PgReach tls CA", info["issuer"]);
        Assert.True(scrape.Value("pgreach_tls_handshake_duration_seconds", "target=tls-agent") > 0);
        Assert.Equal("ok", scrape.Current("pgreach_login_result", "target=tls-agent"));
        Assert.DoesNotContain(Password, scrape.Text, StringComparison.Ordinal);

        var api = await agent.Http.GetStringAsync("/api/targets");
        Assert.Contains("\"cause\": \"tls_certificate_expiring\"", api, StringComparison.Ordinal);
        Assert.Contains("\"step\": \"tls\"", api, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, api, StringComparison.Ordinal);

        await File.WriteAllTextAsync(agent.ConfigFile, System.Text.Json.JsonSerializer.Serialize(Agent.RunningAgent.Config(
            Agent.RunningAgent.Target("other", "127.0.0.1", cluster.Port, password: Password, sslMode: "Disable"))));
        await agent.WaitForAsync(s => !s.Find("pgreach_tls_info", "target=tls-agent").Any()
            && s.Value("pgreach_tls_certificate_expiry_timestamp_seconds", "target=tls-agent") is null, TimeSpan.FromSeconds(20), "the removed target's TLS series gone");
    }

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

    /// <summary>One cycle of the agent's own pipeline, as `diagnose` runs it.</summary>
    private static async Task<CycleRecord> RunOnceAsync(TargetDefinition target)
    {
        var time = TimeProvider.System;
        await using var server = new OneShotServerEvidence(time, NullLoggerFactory.Instance);
        var pipeline = new TargetPipeline(new OneShotHostEvidence(new ListenerTables(time: time), time), server, [], new PipelineHealth(),
            NullLogger<TargetPipeline>.Instance);
        pipeline.TargetAdded(target);
        await using var session = new TargetProbeSession(target, time);
        try
        {
            var record = await pipeline.RunCycleAsync(target, session, CancellationToken.None);
            Assert.NotNull(record?.Verdict);
            return record!;
        }
        finally
        {
            pipeline.TargetRemoved(target.Name);
        }
    }

    private static string[] Causes(CycleRecord record) => [.. record.Verdict!.Findings.Select(f => f.Cause.Label)];

    private static Finding Finding(CycleRecord record, string cause) =>
        record.Verdict!.Findings.SingleOrDefault(f => f.Cause.Label == cause)
        ?? throw new Xunit.Sdk.XunitException($"no {cause} finding; found {string.Join(", ", Causes(record))}: " +
            string.Join(" | ", record.Verdict.Findings.SelectMany(f => f.Evidence)));
}

using System.Collections.Immutable;
using Npgsql;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;
using Xunit;

namespace PgReachExporter.Tests.Diagnosis;

public sealed class TlsFindingsTests
{
    private static readonly DateTimeOffset Now = Scenario.Now;

    private static TlsCertificate Certificate(DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string[]? dns = null, string fingerprint = "AA:01") =>
        new("CN=db1.example", "CN=Provider Root CA 2024", notBefore ?? Now.AddDays(-30), notAfter ?? Now.AddDays(300),
            [.. dns ?? ["db1.example"]], [], "01", fingerprint);

    private static Scenario WithFile(Scenario scenario, TlsCertificate onDisk, TlsJudgement? judged = null) => scenario with
    {
        Server = Scenario.ServerSays() with { CertificateFile = new ServerCertificateFile(true, "/etc/ssl/db1.crt", [onDisk], judged ?? Judged()) },
    };

    private static TlsObservation Handshake(TlsCertificate leaf, TlsJudgement judgement) =>
        new(TlsProbeResult.Handshake, "10.0.0.5:5432", TimeSpan.FromMilliseconds(3), "TLSv1.3", "TLS_AES_256_GCM_SHA384", [leaf], judgement, false, null);

    private static TlsJudgement Judged(bool verifies = true, bool names = true, TlsTrust trust = TlsTrust.Trusted, bool? nameMatches = true,
        bool expired = false, bool notYetValid = false, string? problem = null) =>
        new(verifies, names, verifies ? trust : TlsTrust.NotVerified, problem, nameMatches, expired, notYetValid);

    private static Scenario With(SslMode mode, TlsObservation tls, LoginObservation? login = null) =>
        Scenario.Healthy with { Target = Scenario.Healthy.Target with { SslMode = mode }, Tls = tls, Login = login ?? Scenario.LoginOk() };

    private static Finding Single(Verdict verdict, string cause) => Assert.Single(verdict.Findings, f => f.Cause.Label == cause);

    [Fact]
    public void A_good_handshake_is_ok_and_the_tls_layer_says_what_was_negotiated()
    {
        var verdict = With(SslMode.VerifyFull, Handshake(Certificate(), Judged())).Diagnose();

        Assert.Equal(["ok"], verdict.Findings.Select(f => f.Cause.Label));
        var layer = Assert.Single(verdict.Layers, l => l.Layer == DiagnosisLayer.Tls);
        Assert.Equal(LayerStatus.Ok, layer.Status);
        Assert.Contains("TLSv1.3", layer.Detail);
    }

    [Fact]
    public void An_expired_certificate_is_critical_when_the_sslmode_verifies_and_a_warning_when_it_does_not()
    {
        var expired = Certificate(notAfter: Now.AddDays(-3));
        var verifying = With(SslMode.VerifyFull, Handshake(expired, Judged(expired: true)), Scenario.Failed(LoginResult.TlsFailed)).Diagnose();
        var finding = Single(verifying, "tls_certificate_expired");
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains(finding.Evidence, e => e.Contains("3 days ago", StringComparison.Ordinal));
        Assert.DoesNotContain(verifying.Findings, f => f.Cause.Label == "tls_handshake_failed");

        var preferring = With(SslMode.Prefer, Handshake(expired, Judged(verifies: false, names: false, expired: true))).Diagnose();
        Assert.Equal(Severity.Warning, Single(preferring, "tls_certificate_expired").Severity);
        Assert.Contains(Single(preferring, "tls_certificate_expired").Evidence, e => e.Contains("does not verify", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(13, true)]
    [InlineData(15, false)]
    public void A_certificate_within_the_window_is_expiring(int days, bool expiring)
    {
        var verdict = With(SslMode.Require, Handshake(Certificate(notAfter: Now.AddDays(days)), Judged(verifies: false))).Diagnose();

        Assert.Equal(expiring, verdict.Findings.Any(f => f.Cause.Label == "tls_certificate_expiring" && f.Severity == Severity.Warning));
    }

    [Fact]
    public void The_window_is_the_targets_own()
    {
        var scenario = With(SslMode.Require, Handshake(Certificate(notAfter: Now.AddDays(20)), Judged(verifies: false)));
        scenario = scenario with { Target = scenario.Target with { Tls = new TlsDefinition { ExpiryWarning = TimeSpan.FromDays(30) } } };

        Assert.Contains(scenario.Diagnose().Findings, f => f.Cause.Label == "tls_certificate_expiring");
    }

    [Fact]
    public void A_name_mismatch_counts_for_verify_full_only_and_lists_the_certificates_names()
    {
        var leaf = Certificate(dns: ["db2.example", "*.replicas.example"]);
        var full = With(SslMode.VerifyFull, Handshake(leaf, Judged(nameMatches: false)), Scenario.Failed(LoginResult.TlsFailed)).Diagnose();
        var finding = Single(full, "tls_hostname_mismatch");
        Assert.Contains(finding.Evidence, e => e.Contains("db2.example, *.replicas.example", StringComparison.Ordinal) && e.Contains("db1.example", StringComparison.Ordinal));

        var ca = With(SslMode.VerifyCA, Handshake(leaf, Judged(names: false, nameMatches: false))).Diagnose();
        Assert.DoesNotContain(ca.Findings, f => f.Cause.Label == "tls_hostname_mismatch");
    }

    [Fact]
    public void An_untrusted_chain_names_the_problem_from_the_probe()
    {
        var verdict = With(SslMode.VerifyCA, Handshake(Certificate(), Judged(trust: TlsTrust.Untrusted, problem: "the chain ends at \"CN=Provider Root CA 2024\"")),
            Scenario.Failed(LoginResult.TlsFailed)).Diagnose();

        var finding = Single(verdict, "tls_certificate_untrusted");
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains(finding.Evidence, e => e.Contains("Provider Root CA 2024", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(SslMode.Require, true)]
    [InlineData(SslMode.Prefer, false)]
    public void Ssl_off_matters_only_to_a_client_that_requires_tls(SslMode mode, bool critical)
    {
        var refused = new TlsObservation(TlsProbeResult.ServerRefused, "10.0.0.5:5432", TimeSpan.FromMilliseconds(1), null, null, [], null, false, "ssl = off");
        var verdict = With(mode, refused, critical ? Scenario.Failed(LoginResult.SslUnsupported) : null).Diagnose();

        Assert.Equal(critical, verdict.Findings.Any(f => f.Cause.Label == "tls_unsupported_by_server" && f.Severity == Severity.Critical));
        Assert.Equal(critical ? 1 : 0, verdict.Findings.Count(f => f.Layer == DiagnosisLayer.Tls));
    }

    [Theory]
    [InlineData(TlsProbeResult.ProtocolMismatch, "tls_protocol_mismatch")]
    [InlineData(TlsProbeResult.ClientCertificateRejected, "tls_client_certificate_required_or_rejected")]
    [InlineData(TlsProbeResult.HandshakeFailed, "tls_handshake_failed")]
    public void A_failed_handshake_is_its_own_cause_and_the_login_adds_no_second_tls_cause(TlsProbeResult result, string cause)
    {
        var failed = new TlsObservation(result, "10.0.0.5:5432", TimeSpan.FromMilliseconds(2), null, null, [], null, false, "tlsv1 alert");
        var verdict = With(SslMode.VerifyFull, failed, Scenario.Failed(LoginResult.TlsFailed)).Diagnose();

        var tlsFindings = verdict.Findings.Where(f => f.Layer == DiagnosisLayer.Tls).ToList();
        Assert.Equal(cause, Assert.Single(tlsFindings).Cause.Label);
        Assert.Equal(Severity.Critical, tlsFindings[0].Severity);
    }

    [Fact]
    public void A_protocol_mismatch_names_the_servers_minimum_and_the_clients_limit()
    {
        var failed = new TlsObservation(TlsProbeResult.ProtocolMismatch, "10.0.0.5:5432", TimeSpan.FromMilliseconds(2), null, null, [], null, false,
            "error:0A00042E:SSL routines::tlsv1 alert protocol version");
        var scenario = With(SslMode.Require, failed, Scenario.Failed(LoginResult.TlsProtocolMismatch));
        scenario = scenario with
        {
            Target = scenario.Target with { Tls = new TlsDefinition { MaxProtocol = TlsProtocolVersion.Tls12 } },
            Server = Scenario.ServerSays() with { SslMinProtocolVersion = "TLSv1.3", SslMaxProtocolVersion = "" },
        };

        var finding = Assert.Single(scenario.Diagnose().Findings, f => f.Layer == DiagnosisLayer.Tls);

        Assert.Equal(("tls_protocol_mismatch", Severity.Critical), (finding.Cause.Label, finding.Severity));
        Assert.Contains("server allows TLSv1.3 to the newest (ssl_min_protocol_version, ssl_max_protocol_version)", finding.Evidence);
        Assert.Contains("the server's ssl_min_protocol_version TLSv1.3 is newer than the newest version the client offers, TLSv1.2", finding.Evidence);
        Assert.Contains("client allows TLSv1.2 to TLSv1.2 (the target's SslMinProtocolVersion, SslMaxProtocolVersion)", finding.Evidence);
    }

    [Fact]
    public void A_server_maximum_below_the_clients_minimum_is_named_from_that_side()
    {
        var failed = new TlsObservation(TlsProbeResult.ProtocolMismatch, "10.0.0.5:5432", TimeSpan.FromMilliseconds(2), null, null, [], null, false, "tlsv1 alert protocol version");
        var scenario = With(SslMode.Require, failed, Scenario.Failed(LoginResult.TlsProtocolMismatch));
        scenario = scenario with
        {
            Target = scenario.Target with { Tls = new TlsDefinition { MinProtocol = TlsProtocolVersion.Tls13 } },
            Server = Scenario.ServerSays() with { SslMinProtocolVersion = "TLSv1.2", SslMaxProtocolVersion = "TLSv1.2" },
        };

        var finding = Assert.Single(scenario.Diagnose().Findings, f => f.Layer == DiagnosisLayer.Tls);

        Assert.Contains("the server's ssl_max_protocol_version TLSv1.2 is older than the oldest version the client offers, TLSv1.3", finding.Evidence);
        Assert.Contains("client allows TLSv1.3 to TLSv1.3 (the target's SslMinProtocolVersion, SslMaxProtocolVersion)", finding.Evidence);
    }

    [Fact]
    public void A_login_that_fails_on_the_version_without_the_probe_is_a_protocol_mismatch_with_the_clients_limits()
    {
        var scenario = Scenario.Healthy with
        {
            Target = Scenario.Healthy.Target with { SslMode = SslMode.Require, Tls = new TlsDefinition { Probe = false } },
            Login = Scenario.Failed(LoginResult.TlsProtocolMismatch),
        };

        var finding = Assert.Single(scenario.Diagnose().Findings, f => f.Layer == DiagnosisLayer.Tls);

        Assert.Equal("tls_protocol_mismatch", finding.Cause.Label);
        Assert.Contains("client allows TLSv1.2 to TLSv1.3 (libpq's defaults)", finding.Evidence);
    }

    [Fact]
    public void The_certificate_on_disk_being_the_presented_one_is_nothing_to_report()
    {
        var verdict = WithFile(With(SslMode.VerifyFull, Handshake(Certificate(), Judged())), Certificate()).Diagnose();

        Assert.Equal(["ok"], verdict.Findings.Select(f => f.Cause.Label));
    }

    [Fact]
    public void A_renewed_certificate_on_disk_is_a_pending_change_that_names_both_and_is_info_while_it_would_be_accepted()
    {
        var renewed = Certificate(notBefore: Now.AddDays(-1), notAfter: Now.AddDays(90), fingerprint: "BB:02");
        var verdict = WithFile(With(SslMode.VerifyFull, Handshake(Certificate(), Judged())), renewed).Diagnose();

        var finding = Single(verdict, "tls_certificate_change_pending");
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains(finding.Evidence, e => e.StartsWith("the server presents \"CN=db1.example\"", StringComparison.Ordinal) && e.Contains("SHA-256 AA:01", StringComparison.Ordinal));
        Assert.Contains(finding.Evidence, e => e.StartsWith("ssl_cert_file /etc/ssl/db1.crt holds", StringComparison.Ordinal) && e.Contains("SHA-256 BB:02", StringComparison.Ordinal));
        Assert.Contains("after a reload this target's clients would accept it", finding.Evidence);
        Assert.Contains("pg_reload_conf()", finding.NextStep, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_a_reload_would_serve_expiring_or_untrusted_is_a_warning_that_says_so()
    {
        var shortLived = Certificate(notAfter: Now.AddDays(2), fingerprint: "CC:03");
        var verdict = WithFile(With(SslMode.VerifyFull, Handshake(Certificate(), Judged())), shortLived,
            Judged(trust: TlsTrust.Untrusted, problem: "the chain ends at \"CN=Someone Else\"")).Diagnose();

        var finding = Single(verdict, "tls_certificate_change_pending");
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Contains(finding.Evidence, e => e.Contains("would present a certificate that expires", StringComparison.Ordinal) && e.Contains("in 2 days", StringComparison.Ordinal));
        Assert.Contains(finding.Evidence, e => e.Contains("clients with sslmode verify-full would refuse it: the chain ends at \"CN=Someone Else\"", StringComparison.Ordinal));
        Assert.DoesNotContain(verdict.Findings, f => f.Cause.Label == "tls_certificate_expiring");
    }

    [Fact]
    public void Without_a_handshake_the_files_own_expiry_still_warns()
    {
        var scenario = Scenario.Healthy with { Target = Scenario.Healthy.Target with { SslMode = SslMode.Disable } };
        var verdict = WithFile(scenario, Certificate(notAfter: Now.AddDays(5))).Diagnose();

        var finding = Single(verdict, "tls_certificate_expiring");
        Assert.Contains(finding.Evidence, e => e.StartsWith("ssl_cert_file /etc/ssl/db1.crt holds", StringComparison.Ordinal));
        Assert.Contains("not compared with the presented certificate: no TLS handshake this cycle", finding.Evidence);
    }

    [Fact]
    public void A_plain_login_without_an_hba_entry_says_it_lacked_tls()
    {
        var verdict = Scenario.Healthy.WithLogin(LoginResult.NoHbaEntry,
            "28000: no pg_hba.conf entry for host \"10.0.0.9\", user \"app\", database \"orders\", no encryption").Diagnose();

        Assert.Contains(Single(verdict, "hba_no_entry").Evidence, e => e.Contains("without TLS", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_tls_cause_sits_in_the_tls_layer()
    {
        var tls = DiagnosisCause.All.Where(c => c.Label.StartsWith("tls_", StringComparison.Ordinal)).ToList();
        Assert.Equal(11, tls.Count);
        Assert.All(tls, c => Assert.Equal(DiagnosisLayer.Tls, c.Layer));
    }
}

using PgReachExporter.Classification;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;
using static PgReachExporter.Tests.Diagnosis.Scenario;

namespace PgReachExporter.Tests.Diagnosis;

public sealed class LoginFindingsTests
{
    [Theory]
    [InlineData("NoHbaEntry", "HbaNoEntry", "Auth")]
    [InlineData("HbaReject", "HbaReject", "Auth")]
    [InlineData("PasswordFailed", "PasswordFailed", "Auth")]
    [InlineData("PasswordMissing", "PasswordMissing", "Auth")]
    [InlineData("RoleMissing", "RoleMissing", "Auth")]
    [InlineData("DatabaseMissing", "DatabaseMissing", "Auth")]
    [InlineData("SslRequired", "TlsRequiredByServer", "Tls")]
    [InlineData("SslUnsupported", "TlsUnsupportedByServer", "Tls")]
    [InlineData("TlsFailed", "TlsHandshakeFailed", "Tls")]
    [InlineData("ClientCertificateRejected", "TlsClientCertificate", "Tls")]
    [InlineData("AuthFailed", "AuthFailed", "Auth")]
    [InlineData("TooManyConnections", "TooManyConnections", "Capacity")]
    [InlineData("ServerStarting", "ServerStarting", "Server")]
    [InlineData("ServerShuttingDown", "ServerShuttingDown", "Server")]
    [InlineData("Recovery", "Recovery", "Server")]
    [InlineData("Error", "LoginError", "Server")]
    public void A_login_failure_after_TCP_connected_is_its_cause_in_its_layer(string loginResult, string expectedCause, string expectedLayer)
    {
        var result = Enum.Parse<LoginResult>(loginResult);
        var cause = (DiagnosisCause)typeof(DiagnosisCause).GetField(expectedCause)!.GetValue(null)!;
        var layer = Enum.Parse<DiagnosisLayer>(expectedLayer);
        var verdict = Healthy.WithLogin(result, "server said no").Diagnose();

        VerdictAssert.Causes(verdict, cause);
        var finding = verdict.Findings[0];
        Assert.Equal(layer, finding.Layer);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains($"login as app to orders failed after 8.0 ms, {result.Label()}: server said no", finding.Evidence);
        Assert.False(verdict.Reachable);
    }

    [Fact]
    public void The_hba_findings_quote_the_servers_message()
    {
        var verdict = Healthy.WithLogin(LoginResult.NoHbaEntry,
            "28000: no pg_hba.conf entry for host \"10.0.0.9\", user \"app\", database \"orders\", no encryption").Diagnose();

        VerdictAssert.HasEvidence(verdict, DiagnosisCause.HbaNoEntry, "no pg_hba.conf entry for host \"10.0.0.9\"");
        Assert.Contains("pg_reload_conf()", verdict.Findings[0].NextStep, StringComparison.Ordinal);
    }

    [Fact]
    public void A_login_that_times_out_after_TCP_connected_is_server_unresponsive()
    {
        var verdict = Healthy.WithLogin(LoginResult.Timeout, "no answer before the deadline").Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.ServerUnresponsive);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.ServerUnresponsive, "tcp 10.0.0.5:5432 open");
    }

    [Fact]
    public void A_login_to_another_major_version_than_expected_is_wrong_instance()
    {
        var verdict = (Healthy with { Login = LoginOk(major: 15), Expectations = new TargetExpectations { VersionMajor = 16 } }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.WrongInstance);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.WrongInstance, "login: PostgreSQL 15, expected 16");
        Assert.True(verdict.Reachable);
    }

    [Fact]
    public void A_healthy_target_is_ok_and_nothing_else()
    {
        var verdict = Healthy.Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.Ok);
        Assert.True(verdict.IsOk);
        Assert.True(verdict.Reachable);
        Assert.Equal(DiagnosisLayer.All, verdict.Findings[0].Layer);
        Assert.Equal("Reachable: TCP and login to db1.example:5432 succeed", verdict.Summary);
        Assert.Contains("login as app to orders ok in 12 ms (PostgreSQL 16.2)", verdict.Findings[0].Evidence);
    }
}

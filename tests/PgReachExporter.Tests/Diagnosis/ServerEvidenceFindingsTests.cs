using PgReachExporter.Classification;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;
using static PgReachExporter.Tests.Diagnosis.Scenario;

namespace PgReachExporter.Tests.Diagnosis;

public sealed class ServerEvidenceFindingsTests
{
    private static readonly ServerEvidence Server = ServerSays();

    [Fact]
    public void An_expected_client_blocked_by_an_earlier_line_is_hba_rule_shadowed_naming_both_lines()
    {
        var verdict = (Healthy with
        {
            Server = Server with
            {
                ExpectedClientDecisions =
                [
                    new("app from 10.0.1.5 to orders", ExpectedClientOutcome.Rejected,
                        new HbaLineReference(3, "host all all 10.0.0.0/8 reject"),
                        new HbaLineReference(7, "host orders app 10.0.1.0/24 scram-sha-256")),
                ],
            },
        }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.HbaRuleShadowed);
        var evidence = Assert.Single(verdict.Findings[0].Evidence);
        Assert.Equal("pg_hba.conf line 3 (host all all 10.0.0.0/8 reject) blocks app from 10.0.1.5 to orders before "
            + "pg_hba.conf line 7 (host orders app 10.0.1.0/24 scram-sha-256) would allow it", evidence);
    }

    [Fact]
    public void Expected_clients_rejected_or_unmatched_are_hba_reject_and_hba_no_entry()
    {
        var verdict = (Healthy with
        {
            Server = Server with
            {
                ExpectedClientDecisions =
                [
                    new("batch from 10.0.2.5 to orders", ExpectedClientOutcome.Rejected, new HbaLineReference(4)),
                    new("report from 10.0.3.5 to orders", ExpectedClientOutcome.NoMatch),
                    new("app from 10.0.1.5 to orders", ExpectedClientOutcome.Allowed, new HbaLineReference(2)),
                    new("ops from an unknown address", ExpectedClientOutcome.Unknown),
                ],
            },
        }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.HbaNoEntry, DiagnosisCause.HbaReject);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.HbaReject, "pg_hba.conf line 4 rejects batch from 10.0.2.5 to orders");
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.HbaNoEntry, "no pg_hba.conf line matches report from 10.0.3.5 to orders");
        Assert.True(verdict.Reachable);
    }

    [Fact]
    public void Lines_the_server_cannot_parse_are_hba_syntax_errors_listing_them()
    {
        var verdict = (Healthy with
        {
            Server = Server with { HbaRuleErrors = [new("/etc/postgresql/pg_hba.conf", 12, "invalid IP mask \"10.0.0.0/33\"")], HbaFileLoadable = false },
        }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.HbaSyntaxErrors);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.HbaSyntaxErrors, "/etc/postgresql/pg_hba.conf line 12: invalid IP mask \"10.0.0.0/33\"");
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.HbaSyntaxErrors, "would not load");
        Assert.Equal(DiagnosisLayer.Config, verdict.Findings[0].Layer);
    }

    [Fact]
    public void An_hba_file_changed_after_the_last_reload_is_hba_reload_pending()
    {
        var verdict = (Healthy with { Server = Server with { HbaReloadPending = true } }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.HbaReloadPending);
        Assert.Contains("pg_reload_conf()", verdict.Findings[0].NextStep, StringComparison.Ordinal);
    }

    [Fact]
    public void A_listen_addresses_change_waiting_for_a_restart_is_listen_addresses_pending_restart()
    {
        var verdict = (Healthy with { Server = Server with { PendingRestartSettings = ["shared_buffers", "listen_addresses"] } }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.ListenAddressesPendingRestart);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.ListenAddressesPendingRestart, "listen_addresses changed, pending restart");
        Assert.Equal(Severity.Warning, verdict.Findings[0].Severity);
    }

    [Fact]
    public void A_pending_listen_addresses_restart_next_to_a_refusal_is_critical_and_listed_after_the_transport_finding()
    {
        var verdict = (Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused) with
        {
            Server = ServerSays("localhost") with { PendingRestartSettings = ["listen_addresses"] },
        }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.ListenLocalhostOnly, DiagnosisCause.ListenAddressesPendingRestart);
        Assert.All(verdict.Findings, f => Assert.Equal(Severity.Critical, f.Severity));
    }

    [Theory]
    [InlineData(86, 100, 3, 0.9, null)] // 86 of 97 usable: 89 %
    [InlineData(88, 100, 3, 0.9, "connection_saturation")] // 91 %
    [InlineData(90, 100, 3, 0.95, null)] // 93 % under a higher threshold
    [InlineData(90, 100, 0, 0.9, "connection_saturation")] // without reserved slots, 90 %
    public void Connections_at_or_above_the_threshold_of_usable_slots_are_connection_saturation(
        int used, int max, int reserved, double threshold, string? expected)
    {
        var verdict = (Healthy with
        {
            Server = Server with { ClientConnections = used, MaxConnections = max, ReservedConnections = reserved },
            Expectations = new TargetExpectations { SaturationThreshold = threshold },
        }).Diagnose();

        Assert.Equal(expected ?? "ok", verdict.Findings[0].Cause.Label);
    }

    [Fact]
    public void Every_usable_slot_taken_is_critical_saturation_with_the_counts_as_evidence()
    {
        var verdict = (Healthy with { Server = Server with { ClientConnections = 97, MaxConnections = 100, ReservedConnections = 3 } }).Diagnose();

        var finding = VerdictAssert.Single(verdict, DiagnosisCause.ConnectionSaturation);
        Assert.Equal(Severity.Critical, finding.Severity);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.ConnectionSaturation, "97 of 97 usable connection slots in use (100%");
    }

    [Fact]
    public void Another_system_identifier_than_expected_is_wrong_instance()
    {
        var verdict = (Healthy with
        {
            Server = Server with { SystemIdentifier = "7301234567890123456", VersionMajor = 16 },
            Expectations = new TargetExpectations { SystemIdentifier = "7309999999999999999", VersionMajor = 16 },
        }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.WrongInstance);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.WrongInstance, "system identifier 7301234567890123456, expected 7309999999999999999");
    }

    [Fact]
    public void A_server_major_version_other_than_expected_is_wrong_instance()
    {
        var verdict = (Healthy with { Server = Server with { VersionMajor = 17 }, Expectations = new TargetExpectations { VersionMajor = 16 } }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.WrongInstance);
    }

    [Fact]
    public void A_healthy_server_with_evidence_is_ok_and_reports_every_layer_ok()
    {
        var verdict = (Healthy with { Server = Server with { ClientConnections = 5, MaxConnections = 100, ReservedConnections = 3 } }).Diagnose();

        Assert.True(verdict.IsOk);
        Assert.All(verdict.Layers, l => Assert.Equal(LayerStatus.Ok, l.Status));
        Assert.Equal("5 of 97 usable connection slots in use", verdict.Layers.Single(l => l.Layer == DiagnosisLayer.Capacity).Detail);
        Assert.Equal(EvidenceSources.Probe | EvidenceSources.Server, verdict.Sources);
    }
}

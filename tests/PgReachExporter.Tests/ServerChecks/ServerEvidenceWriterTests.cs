using System.Collections.Immutable;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;
using PgReachExporter.Scheduling;
using PgReachExporter.Probes.ServerChecks;
using static PgReachExporter.Tests.ServerChecks.ServerViews;

namespace PgReachExporter.Tests.ServerChecks;

public sealed class ServerEvidenceWriterTests
{
    [Fact]
    public void A_reject_line_above_an_allowing_line_is_a_shadowed_decision_naming_both_lines()
    {
        var target = Target(AppSubnet);
        var rules = new HbaFileRules([
            Rule(3, "host", "all", "all", "10.0.0.0", "reject") with { Netmask = "255.255.0.0" },
            Rule(9, "host", "orders", "app", "10.0.1.0", "scram-sha-256"),
        ]);

        var evidence = ServerEvidenceMapper.ToEvidence(Connected(target, rules: rules))!;

        var decision = Assert.Single(evidence.ExpectedClientDecisions);
        Assert.Equal(ExpectedClientOutcome.Rejected, decision.Outcome);
        Assert.True(decision.IsShadowed);
        Assert.Equal(3, decision.MatchedLine!.Line);
        Assert.Null(decision.MatchedLine.File);
        Assert.Equal(9, decision.LaterAllowingLine!.Line);
        Assert.StartsWith("client app-subnet (", decision.Client, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_reject_has_no_later_allowing_line()
    {
        var target = Target(AppSubnet);
        var rules = new HbaFileRules([Rule(3, "host", "all", "all", "10.0.0.0", "reject") with { Netmask = "255.255.0.0" }]);

        var decision = Assert.Single(ServerEvidenceMapper.ToEvidence(Connected(target, rules: rules))!.ExpectedClientDecisions);

        Assert.Equal(ExpectedClientOutcome.Rejected, decision.Outcome);
        Assert.False(decision.IsShadowed);
    }

    [Fact]
    public void A_line_in_an_included_file_names_its_file()
    {
        var target = Target(AppSubnet);
        var rules = new HbaFileRules([Rule(2, "host", "orders", "app", "10.0.1.0", "scram-sha-256", file: "/etc/pg/hba.d/apps.conf")]);

        var decision = Assert.Single(ServerEvidenceMapper.ToEvidence(Connected(target, rules: rules))!.ExpectedClientDecisions);

        Assert.Equal((ExpectedClientOutcome.Allowed, "/etc/pg/hba.d/apps.conf"), (decision.Outcome, decision.MatchedLine!.File));
    }

    [Fact]
    public void Settings_identity_connections_and_hba_state_become_evidence()
    {
        var target = Target();
        var rules = new HbaFileRules([Rule(1, "local", "all", "all", null, "peer"), ErrorRow(5, "invalid authentication method \"bogus\"")]);
        var connections = new ConnectionCounts(ImmutableDictionary<BackendState, int>.Empty.Add(BackendState.Active, 90).Add(BackendState.Unknown, 4));

        var evidence = ServerEvidenceMapper.ToEvidence(Connected(target, rules, Settings(16, "listen_addresses"), connections, reloadPending: true))!;

        Assert.Equal(At, evidence.CollectedAt);
        Assert.Equal(("localhost", 5432), (evidence.ListenAddresses, evidence.Port));
        Assert.Equal(["listen_addresses"], evidence.PendingRestartSettings.ToArray());
        Assert.Equal([new HbaRuleError("/etc/pg/pg_hba.conf", 5, "invalid authentication method \"bogus\"")], evidence.HbaRuleErrors.ToArray());
        Assert.False(evidence.HbaFileLoadable);
        Assert.True(evidence.HbaReloadPending);
        Assert.Equal((94, 100, 5), (evidence.ClientConnections, evidence.MaxConnections, evidence.ReservedConnections));
        Assert.Equal((16, "7351234567890123456", false), (evidence.VersionMajor, evidence.SystemIdentifier, evidence.InRecovery));
        Assert.Equal(Identity.PostmasterStartTime, evidence.PostmasterStartTime);
    }

    [Fact]
    public void What_a_check_could_not_read_stays_unknown()
    {
        var target = Target(AppSubnet);
        var view = Connected(target)
            .With(HbaRulesCheck.Name, CheckOutcome<HbaFileRules>.Failed(ServerCheckResult.PermissionDenied, "denied"))
            .With(HbaReloadCheck.Name, CheckOutcome<HbaReloadState>.Failed(ServerCheckResult.PermissionDenied, "denied")) with
        {
            Hba = HbaEvaluation.Evaluate(target.ExpectedClients, null, null),
        };

        var evidence = ServerEvidenceMapper.ToEvidence(view)!;

        Assert.Null(evidence.HbaFileLoadable);
        Assert.Null(evidence.HbaReloadPending);
        Assert.Empty(evidence.HbaRuleErrors);
        Assert.Empty(evidence.ExpectedClientDecisions);
    }

    [Fact]
    public void No_monitoring_connection_means_no_evidence()
    {
        Assert.Null(ServerEvidenceMapper.ToEvidence(ServerView.Disconnected("orders", At, TimeSpan.Zero, "refused")));
    }

    [Fact]
    public void Stored_evidence_is_cleared_when_the_target_stops_being_checked()
    {
        var store = new ServerEvidenceStore();
        var writer = new ServerEvidenceRecorder(store);
        var target = Target();
        writer.ViewCompleted(target, Connected(target));
        Assert.NotNull(store.Get("orders"));

        writer.TargetRemoved("orders");

        Assert.Null(store.Get("orders"));
    }

    [Fact]
    public void Expect_becomes_the_target_expectations()
    {
        var expectations = ExpectationsMapper.From(new ExpectedIdentity { Port = 5433, VersionMajor = 16, SystemIdentifier = "42" });

        Assert.Equal(new TargetExpectations { Port = 5433, VersionMajor = 16, SystemIdentifier = "42" }, expectations);
        Assert.Null(ExpectationsMapper.From(ExpectedIdentity.None));
    }
}

using System.Text.RegularExpressions;
using PgReachExporter.Classification;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;
using static PgReachExporter.Tests.Diagnosis.Scenario;

namespace PgReachExporter.Tests.Diagnosis;

public sealed partial class CauseCatalogTests
{
    [Fact]
    public void Every_cause_has_one_snake_case_label_a_title_and_a_next_step()
    {
        Assert.Equal(DiagnosisCause.All, CauseCatalog.All.Select(c => c.Cause));
        Assert.Equal(Enumerable.Range(0, DiagnosisCause.All.Count), DiagnosisCause.All.Select(c => c.Rank));
        // Every cause declared is in the closed set (a field outside it would be a label no metric can carry).
        Assert.Equal(typeof(DiagnosisCause).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static).Select(f => f.GetValue(null)), DiagnosisCause.All);
        Assert.Equal(CauseCatalog.All.Count, CauseCatalog.All.Select(c => c.Label).Distinct().Count());
        Assert.All(CauseCatalog.All, c =>
        {
            Assert.Matches(SnakeCase(), c.Label);
            Assert.False(string.IsNullOrWhiteSpace(c.Title));
            Assert.False(string.IsNullOrWhiteSpace(c.NextStep));
        });
    }

    [Fact]
    public void The_issue_s_causes_all_exist()
    {
        string[] required =
        [
            "listener_down", "listen_localhost_only", "wrong_port", "ipv6_not_listening", "bind_failure", "firewall_drop",
            "firewall_reject", "dns_failure", "hba_no_entry", "hba_reject", "hba_rule_shadowed", "hba_syntax_errors",
            "hba_reload_pending", "listen_addresses_pending_restart", "password_failed", "role_missing", "database_missing",
            "too_many_connections", "connection_saturation", "wrong_instance", "server_starting", "recovery", "not_postgres", "ok",
        ];

        Assert.Empty(required.Except(CauseCatalog.All.Select(c => c.Label)));
    }

    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        ["refused"] = Healthy.WithTcp(Refused("10.0.0.5"), Refused("fd00::5")).WithLogin(LoginResult.Refused) with { Host = HostLog() with { CouldNotBindIpv6 = true, LogEventsSinceStart = TransportFindingsTests.Counts(("could_not_bind", 3), ("no_listen_socket", 1)) } },
        ["timeout"] = Healthy.WithTcp(Timeout("10.0.0.5"), Unreachable("10.0.0.6")).WithLogin(LoginResult.Timeout),
        ["auth"] = Healthy.WithLogin(LoginResult.PasswordFailed) with { Server = ServerSays("localhost", 5433) with { HbaReloadPending = true, PendingRestartSettings = ["port"], HbaRuleErrors = [new(null, 3, "bad")], ClientConnections = 100, MaxConnections = 100 } },
        ["ok"] = Healthy,
    };

    public static TheoryData<string> ScenarioNames => [.. Scenarios.Keys];

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void Every_finding_has_evidence_and_a_filled_in_next_step_and_never_the_password(string name)
    {
        var verdict = Scenarios[name].Diagnose();

        Assert.NotEmpty(verdict.Findings);
        Assert.All(verdict.Findings, f =>
        {
            Assert.True(f.Evidence.Length > 0, $"{name}: {f.Cause} has no evidence");
            Assert.All(f.Evidence, e => Assert.False(string.IsNullOrWhiteSpace(e)));
            Assert.DoesNotMatch(Placeholder(), f.NextStep);
            Assert.DoesNotMatch(Placeholder(), f.Title);
        });
        var everything = string.Join("\n", verdict.Findings.SelectMany(f => f.Evidence.Append(f.Title).Append(f.NextStep))
            .Concat(verdict.Layers.Select(l => l.Detail)).Append(verdict.Summary));
        Assert.DoesNotContain(Password, everything, StringComparison.Ordinal);
    }

    [GeneratedRegex("^[a-z0-9]+(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();

    [GeneratedRegex(@"\{(host|port|user|database|endpoint)\}")]
    private static partial Regex Placeholder();
}

using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;
using PgReachExporter.Probes.ServerChecks;
using PgReachExporter.Tests.Diagnosis;
using static PgReachExporter.Tests.ServerChecks.ServerViews;

namespace PgReachExporter.Tests.ServerChecks;

/// <summary>
/// The rules in force kept across cycles against the rules a reload would load, from the reads of each cycle through
/// the rule engine, the evidence mapper and the verdict: what a DBA is told between the edit and the reload.
/// </summary>
public sealed class PendingReloadTests
{
    private static readonly ExpectedClientDefinition App = new("app", "10.0.1.5", "orders", "app", "host");
    private static readonly ExpectedClientDefinition Batch = new("batch", "10.0.2.5", "orders", "batch", "host");
    private static readonly TargetDefinition Orders = Target(App, Batch);

    private static readonly HbaFileRules Before = new([Rule(1, "host", "orders", "app", "10.0.1.0", "scram-sha-256")]);
    private static readonly HbaFileRules AppDropped = new([Rule(1, "host", "orders", "other", "10.0.1.0", "scram-sha-256")]);
    private static readonly HbaFileRules BatchAdded = new([Before.Rows[0], Rule(2, "host", "orders", "batch", "10.0.2.0", "scram-sha-256")]);
    private static readonly HbaFileRules Malformed = new([Rule(1, "host", "all", "all", "10.0.0.0", "reject"), ErrorRow(2, "invalid authentication method \"bogus\"")]);

    private static readonly HbaReloadState Loaded = new(At.AddMinutes(-10), At.AddMinutes(-5));
    private static readonly HbaReloadState Edited = new(At.AddMinutes(-1), At.AddMinutes(-5));

    [Fact]
    public void Nothing_pending_takes_the_file_on_disk_as_in_force_and_reports_no_change()
    {
        var inForce = new HbaRulesInForce();

        var sides = inForce.Observe(Before, Loaded, At);

        Assert.Same(Before, sides.InForce);
        Assert.Same(Before, sides.AfterReload);
        Assert.Null(sides.Pending);
    }

    [Fact]
    public void A_pending_edit_keeps_the_last_rules_read_while_nothing_was_pending()
    {
        var inForce = new HbaRulesInForce();
        inForce.Observe(Before, Loaded, At.AddMinutes(-2));

        var sides = inForce.Observe(AppDropped, Edited, At);

        Assert.Same(Before, sides.InForce);
        Assert.Same(AppDropped, sides.AfterReload);
        Assert.Equal(new HbaPendingReload(true, false, At.AddMinutes(-2)), sides.Pending);
    }

    [Fact]
    public void Started_while_a_change_is_pending_the_rules_in_force_are_unknown_until_a_reload()
    {
        var inForce = new HbaRulesInForce();

        var pending = inForce.Observe(AppDropped, Edited, At);
        var reloaded = inForce.Observe(AppDropped, new HbaReloadState(At.AddMinutes(-1), At), At.AddSeconds(5));

        Assert.Null(pending.InForce);
        Assert.Same(AppDropped, pending.AfterReload);
        Assert.False(pending.Pending!.InForceKnown);
        Assert.Same(AppDropped, reloaded.InForce);
        Assert.Null(reloaded.Pending);
    }

    [Fact]
    public void A_file_that_cannot_load_leaves_the_rules_in_force_after_a_reload_even_once_the_reload_was_tried()
    {
        var inForce = new HbaRulesInForce();
        inForce.Observe(Before, Loaded, At.AddMinutes(-2));

        var pending = inForce.Observe(Malformed, Edited, At);
        var afterFailedReload = inForce.Observe(Malformed, new HbaReloadState(At.AddMinutes(-1), At), At.AddSeconds(5));

        foreach (var sides in new[] { pending, afterFailedReload })
        {
            Assert.Same(Before, sides.InForce);
            Assert.Same(Before, sides.AfterReload);
            Assert.True(sides.Pending!.WouldFail);
        }

        Assert.Equal((true, false), (pending.Pending!.ReloadPending, afterFailedReload.Pending!.ReloadPending));
    }

    [Fact]
    public void Dropping_an_expected_clients_line_is_a_critical_lock_out_naming_the_client_and_both_lines()
    {
        var (view, verdict) = Judge(Before, AppDropped);

        Assert.Equal([1, 0], view.Hba!.Clients.Select(c => c.AllowedValue));
        Assert.Equal([0, 0], view.HbaAfterReload!.Clients.Select(c => c.AllowedValue));
        var finding = Assert.Single(verdict.Findings, f => f.Cause == DiagnosisCause.HbaReloadWouldLockOut);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains(finding.Evidence, e => e.StartsWith("client app (", StringComparison.Ordinal)
            && e.Contains("is allowed now by pg_hba.conf line 1 (host orders app 10.0.1.0 255.255.255.0 scram-sha-256)", StringComparison.Ordinal)
            && e.EndsWith("after a reload no pg_hba.conf line would match it", StringComparison.Ordinal));
        // The rules in force still admit it: no hba_no_entry for it until the reload (batch has no line either way).
        Assert.DoesNotContain(verdict.Findings.Where(f => f.Cause == DiagnosisCause.HbaNoEntry).SelectMany(f => f.Evidence), e => e.Contains("client app (", StringComparison.Ordinal));
        Assert.Contains(DiagnosisCause.HbaReloadPending, verdict.Causes);
    }

    [Fact]
    public void Adding_a_line_for_a_refused_expected_client_is_an_info_finding_that_a_reload_would_admit_it()
    {
        var (_, verdict) = Judge(Before, BatchAdded);

        var finding = Assert.Single(verdict.Findings, f => f.Cause == DiagnosisCause.HbaReloadWouldAdmit);
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains(finding.Evidence, e => e.StartsWith("client batch (", StringComparison.Ordinal)
            && e.Contains("is refused now (no pg_hba.conf line matches it); after a reload pg_hba.conf line 2", StringComparison.Ordinal));
        Assert.DoesNotContain(DiagnosisCause.HbaReloadWouldLockOut, verdict.Causes);
    }

    [Fact]
    public void A_malformed_edit_would_fail_naming_the_line_and_changes_no_client()
    {
        var (view, verdict) = Judge(Before, Malformed);

        Assert.Equal(view.Hba!.Clients.Select(c => c.AllowedValue), view.HbaAfterReload!.Clients.Select(c => c.AllowedValue));
        var finding = Assert.Single(verdict.Findings, f => f.Cause == DiagnosisCause.HbaReloadWouldFail);
        Assert.Contains("/etc/pg/pg_hba.conf line 2: invalid authentication method \"bogus\"", finding.Evidence);
        Assert.Contains(finding.Evidence, e => e.Contains("pg_hba.conf was not reloaded", StringComparison.Ordinal));
        Assert.DoesNotContain(DiagnosisCause.HbaReloadWouldLockOut, verdict.Causes);
    }

    [Fact]
    public void Once_the_reload_of_a_malformed_file_failed_it_is_hba_syntax_errors_and_clients_stay_judged_by_the_old_rules()
    {
        var (view, verdict) = Judge(Before, Malformed, reloadTried: true);

        Assert.Equal([1, 0], view.Hba!.Clients.Select(c => c.AllowedValue));
        Assert.Contains(DiagnosisCause.HbaSyntaxErrors, verdict.Causes);
        Assert.DoesNotContain(DiagnosisCause.HbaReloadWouldFail, verdict.Causes);
        Assert.DoesNotContain(DiagnosisCause.HbaReloadPending, verdict.Causes);
    }

    [Fact]
    public void With_the_rules_in_force_unknown_the_comparison_is_undecidable_and_no_lock_out_is_guessed()
    {
        var (view, verdict) = Judge(null, AppDropped);

        Assert.Equal([-1, -1], view.Hba!.Clients.Select(c => c.AllowedValue));
        Assert.Equal([0, 0], view.HbaAfterReload!.Clients.Select(c => c.AllowedValue));
        Assert.DoesNotContain(DiagnosisCause.HbaReloadWouldLockOut, verdict.Causes);
        Assert.DoesNotContain(DiagnosisCause.HbaNoEntry, verdict.Causes);
        var pending = Assert.Single(verdict.Findings, f => f.Cause == DiagnosisCause.HbaReloadPending);
        Assert.Contains(pending.Evidence, e => e.Contains("rules in force are unknown", StringComparison.Ordinal));
        Assert.Contains(pending.Evidence, e => e.StartsWith("after a reload: client app (", StringComparison.Ordinal));
    }

    /// <summary>Two cycles: <paramref name="before"/> read while nothing was pending (none when null), then the edit.</summary>
    private static (ServerView View, Verdict Verdict) Judge(HbaFileRules? before, HbaFileRules edited, bool reloadTried = false)
    {
        var inForce = new HbaRulesInForce();
        if (before is not null)
        {
            inForce.Observe(before, Loaded, At.AddMinutes(-2));
        }

        var view = Connected(Orders, edited, reloadPending: !reloadTried);
        var sides = inForce.Observe(edited, view.HbaReload!.Value, At);
        var (now, after) = HbaEvaluation.EvaluateSides(Orders.ExpectedClients, edited, sides, view.Roles!.Value);
        view = view with { Hba = now, HbaAfterReload = after, HbaPending = sides.Pending };
        var cycle = new Scenario { Target = Orders, StartedAt = At }.Cycle;
        return (view, DiagnosisEngine.Diagnose(new DiagnosisInput(Orders, cycle, ServerEvidenceMapper.ToEvidence(view))));
    }
}

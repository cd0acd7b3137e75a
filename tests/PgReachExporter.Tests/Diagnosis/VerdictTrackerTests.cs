using PgReachExporter.Observations;
using PgReachExporter.Tests.Metrics;
using System.Text;
using PgReachExporter.Classification;
using PgReachExporter.Diagnosis;
using PgReachExporter.Metrics;
using PgReachExporter.Scheduling;
using Prometheus;
using static PgReachExporter.Tests.Diagnosis.Scenario;

namespace PgReachExporter.Tests.Diagnosis;

public sealed class VerdictTrackerTests
{
    private readonly MetricsUnderTest _scrape = new();
    private readonly VerdictTracker _tracker;

    public VerdictTrackerTests()
    {
        _tracker = new VerdictTracker([new DiagnosisMetricsWriter(_scrape.Families)]);
        _tracker.TargetAdded(Healthy.Target);
    }

    private static readonly Scenario Down = Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused);

    /// <summary>Completes a cycle of the scenario with its verdict, as the pipeline hands it on.</summary>
    private void Run(Scenario scenario, int minute)
    {
        var at = scenario with { StartedAt = Now.AddMinutes(minute) };
        _tracker.CycleCompleted(new CycleRecord(at.Target, at.Cycle, null, at.Diagnose()));
    }

    private async Task<string[]> DiagnosisSeriesAsync()
    {
        return [.. (await _scrape.ScrapeAsync()).Split('\n').Where(l => l.StartsWith("pgreach_diagnosis", StringComparison.Ordinal)).OrderBy(l => l.StartsWith("pgreach_diagnosis_changes_total", StringComparison.Ordinal))]; // the families in a fixed order, each in its own
    }

    [Fact]
    public async Task A_target_starts_with_a_zero_change_counter_and_no_verdict_series()
    {
        Assert.Equal(["pgreach_diagnosis_changes_total{target=\"orders\"} 0"], await DiagnosisSeriesAsync());
        Assert.Null(_tracker.Find("orders")!.Verdict);
    }

    [Fact]
    public async Task Each_active_cause_has_one_series_at_1()
    {
        Run(Down with { Host = HostLog() with { CouldNotBindIpv6 = true } }, 0);

        Assert.Equal(
        [
            "pgreach_diagnosis{target=\"orders\",layer=\"transport\",cause=\"listener_down\"} 1",
            "pgreach_diagnosis{target=\"orders\",layer=\"transport\",cause=\"ipv6_not_listening\"} 1",
            "pgreach_diagnosis_changes_total{target=\"orders\"} 0",
        ], await DiagnosisSeriesAsync());
    }

    [Fact]
    public async Task Repeating_the_same_verdict_keeps_the_series_the_since_time_and_the_counter()
    {
        Run(Down, 0);
        var first = await DiagnosisSeriesAsync();
        for (var minute = 1; minute <= 5; minute++)
        {
            // Durations and evidence differ from cycle to cycle; the verdict does not.
            Run(Down with { Tcp = [Refused("10.0.0.5") with { Duration = TimeSpan.FromMilliseconds(minute) }] }, minute);
            Assert.Equal(first, await DiagnosisSeriesAsync());
        }

        var state = _tracker.Find("orders")!;
        Assert.Equal(Now, state.Since);
        Assert.Equal(Now.AddMinutes(5), state.LastProbe);
        Assert.Equal(0, state.Changes);
    }

    [Fact]
    public async Task A_cleared_cause_loses_its_series_instead_of_dropping_to_zero()
    {
        Run(Down, 0);
        Run(Healthy, 1);

        Assert.Equal(
        [
            "pgreach_diagnosis{target=\"orders\",layer=\"all\",cause=\"ok\"} 1",
            "pgreach_diagnosis_changes_total{target=\"orders\"} 1",
        ], await DiagnosisSeriesAsync());
        var state = _tracker.Find("orders")!;
        Assert.Equal(Now.AddMinutes(1), state.Since);
        Assert.Equal(1, state.Changes);
    }

    [Fact]
    public async Task A_change_of_severity_or_evidence_alone_is_not_a_change_of_verdict()
    {
        Run(Healthy with { Server = ServerSays() with { ClientConnections = 88, MaxConnections = 100, ReservedConnections = 3, CollectedAt = Now } }, 0);
        Run(Healthy with { Server = ServerSays() with { ClientConnections = 97, MaxConnections = 100, ReservedConnections = 3, CollectedAt = Now.AddMinutes(1) } }, 1);

        Assert.Equal(0, _tracker.Find("orders")!.Changes);
        Assert.Contains("pgreach_diagnosis{target=\"orders\",layer=\"capacity\",cause=\"connection_saturation\"} 1", await DiagnosisSeriesAsync());
    }

    [Fact]
    public async Task Reachability_changing_under_the_same_cause_is_a_change()
    {
        Run(Healthy.WithTcp(Open("10.0.0.5"), Timeout("fd00::5")), 0);
        Run(Healthy.WithTcp(Timeout("10.0.0.5"), Timeout("fd00::5")).WithLogin(LoginResult.Timeout), 1);

        Assert.Equal(1, _tracker.Find("orders")!.Changes);
        Assert.Contains("pgreach_diagnosis{target=\"orders\",layer=\"network\",cause=\"firewall_drop\"} 1", await DiagnosisSeriesAsync());
    }

    [Fact]
    public async Task A_removed_target_leaves_no_series()
    {
        Run(Down with { Server = ServerSays("localhost") }, 0);

        _tracker.TargetRemoved("orders");

        Assert.Empty(await DiagnosisSeriesAsync());
        Assert.Null(_tracker.Find("orders"));
    }

    [Fact]
    public void A_cycle_whose_verdict_stage_failed_keeps_the_last_verdict()
    {
        Run(Down, 0);
        var before = _tracker.Find("orders")!;

        _tracker.CycleCompleted(new CycleRecord(Healthy.Target, (Healthy with { StartedAt = Now.AddMinutes(1) }).Cycle, null, null));

        Assert.Same(before, _tracker.Find("orders"));
    }

    [Fact]
    public void Server_evidence_in_a_later_cycle_sharpens_the_verdict()
    {
        Run(Down, 0);
        Assert.Equal(DiagnosisCause.ListenerDown, _tracker.Find("orders")!.Verdict!.Findings[0].Cause);

        Run(Down with { Server = ServerSays("localhost") with { CollectedAt = Now.AddMinutes(1) } }, 1);

        Assert.Equal(DiagnosisCause.ListenLocalhostOnly, _tracker.Find("orders")!.Verdict!.Findings[0].Cause);
        Assert.Equal(1, _tracker.Find("orders")!.Changes);
    }
}

using PgReachExporter.Observations;
using PgReachExporter.Tests.Metrics;
using System.Text;
using PgReachExporter.Classification;
using PgReachExporter.Diagnosis;
using PgReachExporter.Metrics;
using Prometheus;
using static PgReachExporter.Tests.Diagnosis.Scenario;

namespace PgReachExporter.Tests.Diagnosis;

public sealed class VerdictTrackerTests
{
    private readonly MetricsUnderTest _scrape = new();
    private readonly EvidenceStore _evidence = new();
    private readonly VerdictTracker _tracker;

    public VerdictTrackerTests()
    {
        _tracker = new VerdictTracker(_evidence, [new DiagnosisMetricsWriter(_scrape.Families)]);
        _tracker.TargetAdded(Healthy.Target);
    }

    private static readonly Scenario Down = Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused);

    /// <summary>Stores the scenario's evidence, if any, as a provider would, then completes a cycle.</summary>
    private void Run(Scenario scenario, int minute)
    {
        if (scenario.Server is { } server)
        {
            _evidence.UpdateServer(scenario.Target.Name, server);
        }

        if (scenario.Host is { } host)
        {
            _evidence.UpdateHost(scenario.Target.Name, host);
        }

        _tracker.CycleCompleted(scenario.Target, (scenario with { StartedAt = Now.AddMinutes(minute) }).Cycle);
    }

    private async Task<string[]> DiagnosisSeriesAsync()
    {
        return [.. (await _scrape.ScrapeAsync()).Split('\n').Where(l => l.StartsWith("pgreach_diagnosis", StringComparison.Ordinal))];
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
    public async Task A_removed_target_leaves_no_series_and_no_stored_evidence()
    {
        _evidence.UpdateServer("orders", ServerSays("localhost"));
        Run(Down, 0);

        _tracker.TargetRemoved("orders");

        Assert.Empty(await DiagnosisSeriesAsync());
        Assert.Null(_tracker.Find("orders"));
        Assert.Same(TargetEvidence.None, _evidence.Get("orders"));
    }

    [Fact]
    public void Stored_evidence_sharpens_the_verdict_of_the_next_cycle()
    {
        Run(Down, 0);
        Assert.Equal(DiagnosisCause.ListenerDown, _tracker.Find("orders")!.Verdict!.Findings[0].Cause);

        _evidence.UpdateServer("orders", ServerSays("localhost") with { CollectedAt = Now.AddMinutes(1) });
        Run(Down, 1);

        Assert.Equal(DiagnosisCause.ListenLocalhostOnly, _tracker.Find("orders")!.Verdict!.Findings[0].Cause);
        Assert.Equal(1, _tracker.Find("orders")!.Changes);
    }
}

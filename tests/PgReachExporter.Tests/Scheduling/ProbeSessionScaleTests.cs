using System.Diagnostics;
using PgReachExporter.Configuration;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Tests.Scheduling;

/// <summary>
/// Every target's loop opens its probe session when the agent starts: at 10,000 targets that must cost time in
/// proportion to the targets. Npgsql registers each data source in one process-wide list that it sorts under a lock
/// on every registration, so a data source built with each target's session made the start stall for 15-25 s (nothing
/// probed, SIGTERM unanswered) before the first verdicts came; the login probe now builds it at its first attempt,
/// and those are spread over the first interval.
/// </summary>
public sealed class ProbeSessionScaleTests
{
    [Fact]
    public async Task Opening_and_closing_10000_probe_sessions_takes_well_under_the_generous_bound()
    {
        const int Count = 10_000;
        var targets = Enumerable.Range(0, Count).Select(i => new TargetDefinition
        {
            Name = $"t{i:05d}", Host = "127.0.0.2", Port = 1000 + i, Database = "postgres", Username = "probe",
            ConnectTimeout = TimeSpan.FromSeconds(1), Interval = TimeSpan.FromSeconds(15),
        }).ToList();

        var clock = Stopwatch.StartNew();
        var sessions = targets.Select(t => new TargetProbeSession(t, TimeProvider.System)).ToList();
        foreach (var session in sessions)
        {
            await session.DisposeAsync();
        }

        clock.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"opening and closing {Count} sessions took {clock.Elapsed.TotalSeconds:0.0} s");
    }
}

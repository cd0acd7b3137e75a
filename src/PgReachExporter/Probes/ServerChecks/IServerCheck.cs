using PgReachExporter.Observations;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>One server-side check of a target: its name (the <c>check</c> label) and one run over the monitoring session.</summary>
/// <remarks>A check reports an expected failure (a privilege it lacks, an older server) as its outcome and never throws for it.</remarks>
internal interface IServerCheck
{
    string Name { get; }

    Task<IServerCheckOutcome> RunAsync(MonitoringSession session, CancellationToken stopping);
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PgReachExporter.Metrics;
using PgReachExporter.Scheduling;

namespace PgReachExporter;

/// <summary>
/// The agent's pipeline, assembled in one place: its sources (the host's view, the stored server view) and its
/// outputs in the order they run. The order matters only here: metrics first, then the verdict history the pages
/// read, then the change log.
/// </summary>
internal static class AgentPipeline
{
    public const string ProbeMetrics = "probe_metrics";
    public const string HostMetrics = "host_metrics";
    public const string Verdicts = "verdicts";
    public const string ChangeLog = "change_log";

    public static readonly string[] OutputStages = [ProbeMetrics, HostMetrics, Verdicts, ChangeLog];

    public static PipelineHealth Health(IServiceProvider services) => new(OutputStages);

    public static TargetPipeline Build(IServiceProvider services) => new(
        services.GetRequiredService<HostSignalScheduler>(),
        services.GetRequiredService<ServerEvidenceStore>(),
        [
            new(ProbeMetrics, services.GetRequiredService<ProbeMetricsWriter>()),
            new(HostMetrics, services.GetRequiredService<HostSignalMetricsWriter>()),
            new(Verdicts, services.GetRequiredService<VerdictTracker>()),
            new(ChangeLog, services.GetRequiredService<ResultChangeLog>()),
        ],
        services.GetRequiredService<PipelineHealth>(),
        services.GetRequiredService<ILogger<TargetPipeline>>());

    /// <summary>
    /// The outputs of a /probe request's cycle, in the same order and under the same stage names: its own probe and
    /// host metrics and its verdict, all into the request's answer; no history and no change log (a request is not a schedule).
    /// </summary>
    public static IReadOnlyList<NamedOutput> OnDemandOutputs(ProbeExposition answer) =>
    [
        new(ProbeMetrics, answer.ProbeMetrics),
        new(HostMetrics, answer.HostMetrics),
        new(Verdicts, answer.Verdicts),
    ];
}

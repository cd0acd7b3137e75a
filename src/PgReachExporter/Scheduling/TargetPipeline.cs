using Microsoft.Extensions.Logging;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;

namespace PgReachExporter.Scheduling;

/// <summary>
/// The one pipeline of a target's cycle, its order written here and nowhere else:
/// probes → host signals → server view → evidence and verdict → outputs (in the order given).
/// The agent runs it every interval; `diagnose` runs the very same pipeline once with one-shot sources. A stage that
/// throws is logged and counted (<see cref="PipelineHealth"/>) and the later stages run with what there is.
/// </summary>
internal sealed partial class TargetPipeline(
    IHostEvidenceSource host,
    IServerEvidenceSource server,
    IReadOnlyList<NamedOutput> outputs,
    PipelineHealth health,
    ILogger<TargetPipeline> logger)
{
    /// <summary>The output stages, in order.</summary>
    public IReadOnlyList<NamedOutput> Outputs => outputs;

    /// <summary>Outputs learn of a target before its sources start, so nothing a source reports is lost.</summary>
    public void TargetAdded(TargetDefinition target)
    {
        foreach (var output in outputs)
        {
            Guard(output.Stage, target.Name, () => output.Output.TargetAdded(target));
        }

        Guard(PipelineHealth.Host, target.Name, () => host.TargetAdded(target));
        Guard(PipelineHealth.Server, target.Name, () => server.TargetAdded(target));
    }

    /// <summary>Sources stop before outputs forget the target.</summary>
    public void TargetRemoved(string target)
    {
        Guard(PipelineHealth.Host, target, () => host.TargetRemoved(target));
        Guard(PipelineHealth.Server, target, () => server.TargetRemoved(target));
        foreach (var output in outputs)
        {
            Guard(output.Stage, target, () => output.Output.TargetRemoved(target));
        }
    }

    /// <summary>The target's loop failed (outside any stage) and will be restarted: outputs that show state learn why.</summary>
    public void LoopFailed(string target, string problem)
    {
        foreach (var output in outputs)
        {
            Guard(output.Stage, target, () => output.Output.LoopFailed(target, problem));
        }
    }

    /// <summary>One cycle; null when the probes themselves failed unexpectedly (then nothing is written for this cycle).</summary>
    public async Task<CycleRecord?> RunCycleAsync(TargetDefinition target, TargetProbeSession session, CancellationToken stopping)
    {
        TargetCycle cycle;
        try
        {
            cycle = await session.RunAsync(stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // Probes report expected failures as data; anything else is a bug.
            Failed(ex, PipelineHealth.Probe, target.Name);
            return null;
        }

        foreach (var failed in cycle.Probes.OfType<ProbeFailed>())
        {
            Failed(failed.Error, PipelineHealth.Probe, target.Name);
        }

        var hostObservation = await GuardAsync(PipelineHealth.Host, target.Name, () => host.GatherAsync(target, cycle, stopping), stopping).ConfigureAwait(false);
        var serverEvidence = await GuardAsync(PipelineHealth.Server, target.Name, () => server.GatherAsync(target, stopping), stopping).ConfigureAwait(false);
        Verdict? verdict = null;
        Guard(PipelineHealth.Verdict, target.Name, () =>
        {
            var hostEvidence = hostObservation is null ? null : HostEvidenceMapper.From(hostObservation);
            verdict = DiagnosisEngine.Diagnose(new DiagnosisInput(target, cycle, serverEvidence, hostEvidence, ExpectationsMapper.From(target.Expect)));
        });

        var record = new CycleRecord(target, cycle, hostObservation, verdict);
        foreach (var output in outputs)
        {
            Guard(output.Stage, target.Name, () => output.Output.CycleCompleted(record));
        }

        return record;
    }

    private void Guard(string stage, string target, Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            Failed(ex, stage, target);
        }
    }

    private async Task<T?> GuardAsync<T>(string stage, string target, Func<ValueTask<T?>> action, CancellationToken stopping)
        where T : class
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            Failed(ex, stage, target);
            return null;
        }
    }

    private void Failed(Exception exception, string stage, string target)
    {
        health.Failed(stage);
        LogStageFailed(exception, stage, target);
    }

    [LoggerMessage(EventId = LogEvents.PipelineStageFailed, Level = LogLevel.Error,
        Message = "Stage {Stage} of target {Target}'s cycle failed unexpectedly; the later stages ran without it")]
    private partial void LogStageFailed(Exception exception, string stage, string target);
}

/// <summary>An output stage and the name its failures are counted under.</summary>
internal sealed record NamedOutput(string Stage, ICycleOutput Output);

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PgReachExporter.Configuration;

namespace PgReachExporter.Scheduling;

/// <summary>
/// Owns the schedule: one independent async loop per target, first probes spread over the interval, reconciled
/// whenever the target set changes; each cycle runs the <see cref="TargetPipeline"/>. A slow or black-holed target
/// only ever delays itself.
/// </summary>
internal sealed partial class ProbeScheduler : BackgroundService
{
    private readonly TargetSetMonitor _targets;
    private readonly TargetPipeline _pipeline;
    private readonly PipelineHealth _health;
    private readonly TimeProvider _time;
    private readonly ILogger<ProbeScheduler> _logger;
    private readonly TargetLoops _loops;
    private readonly ScheduleClock _clock;

    public ProbeScheduler(TargetSetMonitor targets, TargetPipeline pipeline, PipelineHealth health, TimeProvider time, ILogger<ProbeScheduler> logger)
    {
        _targets = targets;
        _pipeline = pipeline;
        _health = health;
        _time = time;
        _logger = logger;
        _loops = new TargetLoops(RunTargetAsync, Started, Stopped, LoopFailed, time);
        _clock = new ScheduleClock(time);
    }

    public override void Dispose()
    {
        base.Dispose();
        _clock.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _loops.FollowAsync(_targets, settings => settings.Targets, ReconcileFailed, stoppingToken);

    private void Started(TargetDefinition target)
    {
        _pipeline.TargetAdded(target);
        LogTargetStarted(target.Name, target.Endpoint, target.Interval);
    }

    private void Stopped(TargetDefinition target, bool removed)
    {
        _pipeline.TargetRemoved(target.Name);
        LogTargetStopped(target.Name, removed ? "removed" : "changed");
    }

    private void LoopFailed(TargetDefinition target, Exception exception)
    {
        _health.Failed(PipelineHealth.Loop);
        LogLoopFailed(exception, target.Name, TargetLoops.FirstRestartDelay);
        _pipeline.LoopFailed(target.Name, $"{exception.GetType().Name}: {exception.Message}");
    }

    private void ReconcileFailed(Exception exception)
    {
        _health.Failed(PipelineHealth.Reconcile);
        LogReconcileFailed(exception);
    }

    private async Task RunTargetAsync(TargetDefinition target, CancellationToken stopping)
    {
        await using var session = new TargetProbeSession(target, _time);
        // Every target waits on the one schedule clock rather than on a timer of its own (see ScheduleClock).
        await _clock.DelayAsync(StartSpread.Offset(target.Name, target.Interval, target.ConnectTimeout), stopping).ConfigureAwait(false);
        var ticks = _clock.Every(target.Interval);
        while (true)
        {
            var record = await _pipeline.RunCycleAsync(target, session, stopping).ConfigureAwait(false);
            if (record?.Cycle is { Overran: true } cycle)
            {
                LogOverrun(target.Name, cycle.Duration, target.Interval);
            }

            await ticks.WaitForNextTickAsync(stopping).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = LogEvents.TargetStarted, Level = LogLevel.Debug, Message = "Probing target {Target} at {Endpoint} every {Interval}")]
    private partial void LogTargetStarted(string target, string endpoint, TimeSpan interval);

    [LoggerMessage(EventId = LogEvents.TargetStopped, Level = LogLevel.Information, Message = "Stopped probing target {Target} ({Reason})")]
    private partial void LogTargetStopped(string target, string reason);

    [LoggerMessage(EventId = LogEvents.TargetLoopFailed, Level = LogLevel.Error,
        Message = "The probe loop of target {Target} failed and is restarted (after {Delay} at first, backing off)")]
    private partial void LogLoopFailed(Exception exception, string target, TimeSpan delay);

    [LoggerMessage(EventId = LogEvents.TargetSetReconcileFailed, Level = LogLevel.Error,
        Message = "Applying a changed target set failed; the next change is applied as usual")]
    private partial void LogReconcileFailed(Exception exception);

    [LoggerMessage(EventId = LogEvents.ProbeOverrun, Level = LogLevel.Warning, Message = "Probe cycle of target {Target} took {Duration}, longer than its interval {Interval}")]
    private partial void LogOverrun(string target, TimeSpan duration, TimeSpan interval);
}

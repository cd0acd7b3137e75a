using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PgReachExporter.Configuration;

namespace PgReachExporter.Scheduling;

/// <summary>
/// Owns the schedule: one independent async loop per target, first probes spread over the interval, reconciled
/// whenever the target set changes. A slow or black-holed target only ever delays itself.
/// </summary>
internal sealed partial class ProbeScheduler : BackgroundService
{
    private readonly TargetSetMonitor _targets;
    private readonly ICycleSink[] _sinks;
    private readonly TimeProvider _time;
    private readonly ILogger<ProbeScheduler> _logger;
    private readonly TargetLoops _loops;
    private CancellationToken _stopping;

    public ProbeScheduler(TargetSetMonitor targets, IEnumerable<ICycleSink> sinks, TimeProvider time, ILogger<ProbeScheduler> logger)
    {
        _targets = targets;
        _sinks = [.. sinks];
        _time = time;
        _logger = logger;
        _loops = new TargetLoops(RunTargetAsync, Started, Stopped);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        _targets.Changed += OnTargetsChanged;
        try
        {
            await _loops.ReconcileAsync(_targets.Current.Targets, stoppingToken).ConfigureAwait(false);
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _targets.Changed -= OnTargetsChanged;
            await _loops.StopAllAsync().ConfigureAwait(false);
        }
    }

    private void OnTargetsChanged(AgentSettings settings) => _ = _loops.ReconcileAsync(settings.Targets, _stopping);

    private void Started(TargetDefinition target)
    {
        foreach (var sink in _sinks)
        {
            sink.TargetAdded(target);
        }

        LogTargetStarted(target.Name, target.Endpoint, target.Interval);
    }

    private void Stopped(TargetDefinition target, bool removed)
    {
        foreach (var sink in _sinks)
        {
            sink.TargetRemoved(target.Name);
        }

        LogTargetStopped(target.Name, removed ? "removed" : "changed");
    }

    private async Task RunTargetAsync(TargetDefinition target, CancellationToken stopping)
    {
        await using var session = new TargetProbeSession(target, _time);
        try
        {
            await Task.Delay(StartSpread.Offset(target.Name, target.Interval), _time, stopping).ConfigureAwait(false);
            using var timer = new PeriodicTimer(target.Interval, _time);
            do
            {
                await RunCycleAsync(target, session, stopping).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task RunCycleAsync(TargetDefinition target, TargetProbeSession session, CancellationToken stopping)
    {
        try
        {
            var cycle = await session.RunAsync(stopping).ConfigureAwait(false);
            if (cycle.Overran)
            {
                LogOverrun(target.Name, cycle.Duration, target.Interval);
            }

            foreach (var sink in _sinks)
            {
                sink.CycleCompleted(target, cycle);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // Probes report expected failures as data; anything else is a bug, logged, and the loop keeps going.
            LogCycleFailed(ex, target.Name);
        }
    }

    [LoggerMessage(EventId = LogEvents.TargetStarted, Level = LogLevel.Debug, Message = "Probing target {Target} at {Endpoint} every {Interval}")]
    private partial void LogTargetStarted(string target, string endpoint, TimeSpan interval);

    [LoggerMessage(EventId = LogEvents.TargetStopped, Level = LogLevel.Information, Message = "Stopped probing target {Target} ({Reason})")]
    private partial void LogTargetStopped(string target, string reason);

    [LoggerMessage(EventId = LogEvents.ProbeCycleFailed, Level = LogLevel.Error, Message = "Probe cycle of target {Target} failed unexpectedly")]
    private partial void LogCycleFailed(Exception exception, string target);

    [LoggerMessage(EventId = LogEvents.ProbeOverrun, Level = LogLevel.Warning, Message = "Probe cycle of target {Target} took {Duration}, longer than its interval {Interval}")]
    private partial void LogOverrun(string target, TimeSpan duration, TimeSpan interval);
}

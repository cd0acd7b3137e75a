using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PgReachExporter.Configuration;

namespace PgReachExporter.Scheduling;

/// <summary>
/// Owns the schedule: one independent async loop per target, first probes spread over the interval, reconciled
/// whenever the target set changes. A slow or black-holed target only ever delays itself.
/// </summary>
internal sealed partial class ProbeScheduler(
    TargetSetMonitor targets,
    IEnumerable<ICycleSink> sinks,
    TimeProvider time,
    ILogger<ProbeScheduler> logger) : BackgroundService
{
    private readonly ICycleSink[] _sinks = [.. sinks];
    private readonly Dictionary<string, RunningTarget> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _reconcile = new(1, 1);
    private CancellationToken _stopping;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        targets.Changed += OnTargetsChanged;
        try
        {
            await ReconcileAsync(targets.Current).ConfigureAwait(false);
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            targets.Changed -= OnTargetsChanged;
            await StopAllAsync().ConfigureAwait(false);
        }
    }

    private void OnTargetsChanged(AgentSettings settings) => _ = ReconcileAsync(settings);

    private async Task ReconcileAsync(AgentSettings settings)
    {
        await _reconcile.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            var wanted = settings.Targets.ToDictionary(t => t.Name, StringComparer.Ordinal);
            var stale = _running.Values.Where(r => !wanted.TryGetValue(r.Target.Name, out var w) || w != r.Target).ToList();
            foreach (var running in stale)
            {
                await StopAsync(running, removed: !wanted.ContainsKey(running.Target.Name)).ConfigureAwait(false);
            }

            foreach (var target in settings.Targets.Where(t => !_running.ContainsKey(t.Name)))
            {
                Start(target);
            }
        }
        finally
        {
            _reconcile.Release();
        }
    }

    private void Start(TargetDefinition target)
    {
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        foreach (var sink in _sinks)
        {
            sink.TargetAdded(target);
        }

        var loop = Task.Run(() => RunTargetAsync(target, cancellation.Token), CancellationToken.None);
        _running[target.Name] = new RunningTarget(target, cancellation, loop);
        LogTargetStarted(target.Name, target.Endpoint, target.Interval);
    }

    private async Task StopAsync(RunningTarget running, bool removed)
    {
        _running.Remove(running.Target.Name);
        await running.Cancellation.CancelAsync().ConfigureAwait(false);
        await running.Loop.ConfigureAwait(false);
        running.Cancellation.Dispose();
        foreach (var sink in _sinks)
        {
            sink.TargetRemoved(running.Target.Name);
        }

        LogTargetStopped(running.Target.Name, removed ? "removed" : "changed");
    }

    private async Task StopAllAsync()
    {
        await _reconcile.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_running.Values.Select(r => r.Loop)).ConfigureAwait(false);
        }
        finally
        {
            _reconcile.Release();
        }
    }

    private async Task RunTargetAsync(TargetDefinition target, CancellationToken stopping)
    {
        await using var session = new TargetProbeSession(target, time);
        try
        {
            await Task.Delay(StartSpread.Offset(target.Name, target.Interval), time, stopping).ConfigureAwait(false);
            using var timer = new PeriodicTimer(target.Interval, time);
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

    private sealed record RunningTarget(TargetDefinition Target, CancellationTokenSource Cancellation, Task Loop);

    [LoggerMessage(EventId = LogEvents.TargetStarted, Level = LogLevel.Debug, Message = "Probing target {Target} at {Endpoint} every {Interval}")]
    private partial void LogTargetStarted(string target, string endpoint, TimeSpan interval);

    [LoggerMessage(EventId = LogEvents.TargetStopped, Level = LogLevel.Information, Message = "Stopped probing target {Target} ({Reason})")]
    private partial void LogTargetStopped(string target, string reason);

    [LoggerMessage(EventId = LogEvents.ProbeCycleFailed, Level = LogLevel.Error, Message = "Probe cycle of target {Target} failed unexpectedly")]
    private partial void LogCycleFailed(Exception exception, string target);

    [LoggerMessage(EventId = LogEvents.ProbeOverrun, Level = LogLevel.Warning, Message = "Probe cycle of target {Target} took {Duration}, longer than its interval {Interval}")]
    private partial void LogOverrun(string target, TimeSpan duration, TimeSpan interval);
}

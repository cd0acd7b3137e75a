using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;
using PgReachExporter.Probes.ServerChecks;

namespace PgReachExporter.Scheduling;

/// <summary>
/// Runs the server-side checks of every target that has a monitoring connection, each in its own loop on the
/// target's interval, apart from the probe loops: a slow or hung monitoring query never delays a probe, and the
/// monitoring connection never stands in for the login probe.
/// </summary>
internal sealed partial class ServerViewScheduler : BackgroundService
{
    private readonly TargetSetMonitor _targets;
    private readonly IServerViewSink[] _sinks;
    private readonly IRemoteLogSink[] _logSinks;
    private readonly TimeProvider _time;
    private readonly ILogger<ServerViewScheduler> _logger;
    private readonly ILoggerFactory _loggers;
    private readonly TargetLoops _loops;
    private readonly PipelineHealth _health;

    public ServerViewScheduler(
        TargetSetMonitor targets,
        IEnumerable<IServerViewSink> sinks,
        IEnumerable<IRemoteLogSink> logSinks,
        PipelineHealth health,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        _health = health;
        _targets = targets;
        _sinks = [.. sinks];
        _logSinks = [.. logSinks];
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<ServerViewScheduler>();
        _loops = new TargetLoops(RunTargetAsync, Started, Stopped, LoopFailed, time);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _loops.FollowAsync(_targets, Monitored, ReconcileFailed, stoppingToken);

    private static IEnumerable<TargetDefinition> Monitored(AgentSettings settings) => settings.Targets.Where(t => t.Monitoring is not null);

    private void LoopFailed(TargetDefinition target, Exception exception)
    {
        _health.Failed(PipelineHealth.Loop);
        LogLoopFailed(exception, target.Name);
    }

    private void ReconcileFailed(Exception exception)
    {
        _health.Failed(PipelineHealth.Reconcile);
        LogReconcileFailed(exception);
    }

    private void Started(TargetDefinition target)
    {
        foreach (var sink in _sinks)
        {
            sink.TargetAdded(target);
        }
    }

    private void Stopped(TargetDefinition target, bool removed)
    {
        foreach (var sink in _sinks)
        {
            sink.TargetRemoved(target.Name);
        }
    }

    private async Task RunTargetAsync(TargetDefinition target, CancellationToken stopping)
    {
        var monitoring = target.Monitoring!;
        await using var session = new MonitoringSession(target.Name, monitoring, _time, _loggers.CreateLogger<MonitoringSession>());
        var probe = new ServerViewProbe(target, session, _time);
        try
        {
            // The first view waits for the first connection attempt, so a reachable server starts with data.
            await session.WaitConnectedAsync(monitoring.ConnectTimeout + TimeSpan.FromSeconds(1), stopping).ConfigureAwait(false);
            using var timer = new PeriodicTimer(target.Interval, _time);
            do
            {
                await RunCycleAsync(target, probe, session, stopping).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task RunCycleAsync(TargetDefinition target, ServerViewProbe probe, MonitoringSession session, CancellationToken stopping)
    {
        try
        {
            session.EnsureConnecting();
            var view = await probe.RunAsync(stopping).ConfigureAwait(false);
            foreach (var sink in _sinks)
            {
                sink.ViewCompleted(target, view);
            }

            if (view.Log?.Value is { Lines.IsEmpty: false } read)
            {
                foreach (var sink in _logSinks)
                {
                    sink.LinesRead(target, read);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // Checks report expected failures as data; anything else is a bug, logged, and the loop keeps going.
            LogViewFailed(ex, target.Name);
        }
    }

    [LoggerMessage(EventId = LogEvents.TargetLoopFailed, Level = LogLevel.Error,
        Message = "The server-check loop of target {Target} failed and is restarted after a backoff")]
    private partial void LogLoopFailed(Exception exception, string target);

    [LoggerMessage(EventId = LogEvents.TargetSetReconcileFailed, Level = LogLevel.Error,
        Message = "Applying a changed target set to the server checks failed; the next change is applied as usual")]
    private partial void LogReconcileFailed(Exception exception);

    [LoggerMessage(EventId = LogEvents.ServerViewFailed, Level = LogLevel.Error, Message = "Server checks of target {Target} failed unexpectedly")]
    private partial void LogViewFailed(Exception exception, string target);
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.Scheduling;

/// <summary>
/// The pipeline's host stage in the agent, on the probe loops' target lifecycle: one async loop per target with a log
/// source follows its server log (each batch goes to the <see cref="ILogObserver"/>s), and after each probe cycle the
/// pipeline gathers the log as read so far and, where it applies, the listening-socket table. A quiet log costs
/// nothing between file notifications and polls.
/// </summary>
internal sealed partial class HostSignalScheduler(
    IServerLogSourceFactory logSources,
    ListenerTables listenerTables,
    IEnumerable<ILogObserver> observers,
    TimeProvider time,
    ILogger<HostSignalScheduler> logger) : IHostEvidenceSource, IHostedService, IDisposable
{
    private static readonly TimeSpan MinimumRestartDelay = TimeSpan.FromSeconds(5);

    // Targets whose cycles start within this window share one read of the socket table: at 1,000 local targets a
    // read per cycle would cost more than the probes themselves, and a listener does not come and go that fast.
    private static readonly TimeSpan ListenerTableFreshness = TimeSpan.FromSeconds(1);

    private readonly ILogObserver[] _observers = [.. observers];
    private readonly ConcurrentDictionary<string, TargetHostWatch> _watches = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ListenerTableRule _listenerRule = new(time);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Stops every log loop (the probe scheduler, registered after this service, stops first). When the host's shutdown
    /// bound fires first, the loops still running are named in the log and left behind, as BackgroundService does:
    /// throwing here would turn a stop that did everything else into a failed one.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        var watches = _watches.Values.ToArray();
        try
        {
            await Task.WhenAll(watches.Select(w => w.Loop)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var running = watches.Where(w => !w.Loop.IsCompleted).Select(w => w.Target.Name).Order(StringComparer.Ordinal).ToArray();
            LogStopAbandoned(running.Length, string.Join(", ", running.Take(10)));
        }
    }

    public void TargetAdded(TargetDefinition target)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        IServerLogSource? log = null;
        try
        {
            log = logSources.Create(target);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
        {
            LogFailed(ex, target.Name, "opening its log source");
        }

        var watch = new TargetHostWatch(target, log, _stopping.Token);
        if (_watches.TryRemove(target.Name, out var previous))
        {
            Retire(previous);
        }

        _watches[target.Name] = watch;
        if (log is not null)
        {
            watch.Loop = Task.Run(() => FollowLogAsync(watch), CancellationToken.None);
        }

        LogStarted(target.Name, log?.Description ?? "none", ListenerTableRule.Describe(target));
    }

    public async ValueTask<HostObservation?> GatherAsync(TargetDefinition target, TargetCycle cycle, CancellationToken stopping)
    {
        if (!_watches.TryGetValue(target.Name, out var watch) || watch.Target != target)
        {
            return null;
        }

        // The table is read on its own task, which every cycle that needs it awaits: a slow /proc never holds a
        // thread, and a look at a read already done costs only what the target's port holds.
        var listener = _listenerRule.Reads(target, cycle.Dns)
            ? await listenerTables.InspectAsync(target.Port, target.ListenerPid, cycle.StartedAt - ListenerTableFreshness).WaitAsync(stopping).ConfigureAwait(false)
            : null;
        ReportUnreadableTable(watch, listener);
        var log = watch.LogObservation();
        return log is null && listener is null ? null : new HostObservation(time.GetUtcNow(), log, listener);
    }

    /// <summary>
    /// True once the target's log source has made its first look (found its file and placed itself at the end, or
    /// found none, so a file that appears later is read from its start). Lines written before that look may be
    /// skipped as history; callers that cause log lines on purpose (the demo lab) wait for this first.
    /// </summary>
    public bool LogSourceReady(string target) =>
        _watches.TryGetValue(target, out var watch) && watch.Log is { } log && log.Health().State != LogTailerState.Starting;

    public void TargetRemoved(string target)
    {
        if (_watches.TryRemove(target, out var watch))
        {
            Retire(watch);
            if (watch.Target.ListenerPid is { } pid && !_watches.Values.Any(w => w.Target.ListenerPid == pid))
            {
                listenerTables.Forget(pid);
            }
        }
    }

    // The container may dispose this instance once per registration that hands it out: idempotent.
    public void Dispose()
    {
        foreach (var name in _watches.Keys)
        {
            if (_watches.TryRemove(name, out var watch))
            {
                watch.Stop();
                watch.Dispose();
            }
        }

        _stopping.Dispose();
    }

    private static void Retire(TargetHostWatch watch)
    {
        watch.Stop();
        _ = watch.Loop.ContinueWith(_ => watch.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task FollowLogAsync(TargetHostWatch watch)
    {
        var target = watch.Target;
        var log = watch.Log!;
        var stopping = watch.Stopping;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["Target"] = target.Name });
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await foreach (var batch in log.ReadBatchesAsync(stopping).ConfigureAwait(false))
                {
                    watch.Counter!.Add(batch);
                    var observation = watch.LogObservation()!;
                    watch.Publish(() => ForEachObserver(target, observation));
                }

                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Expected failures never get here (the source reports and retries them); a bug is logged and the
                // source restarted after a pause, from the end of the log like at start-up.
                LogFailed(ex, target.Name, "following its log");
            }

            try
            {
                await Task.Delay(target.Interval > MinimumRestartDelay ? target.Interval : MinimumRestartDelay, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void ReportUnreadableTable(TargetHostWatch watch, ListenerObservation? listener)
    {
        var unreadable = listener is { Complete: false };
        if (unreadable && !watch.ListenerUnreadable)
        {
            LogTableUnreadable(watch.Target.Name, string.Join("; ", listener!.Errors));
        }

        watch.ListenerUnreadable = unreadable;
    }

    private void ForEachObserver(TargetDefinition target, ServerLogObservation observation)
    {
        foreach (var observer in _observers)
        {
            try
            {
                observer.LogObserved(target, observation);
            }
            catch (Exception ex)
            {
                LogFailed(ex, target.Name, $"writing to {observer.GetType().Name}");
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.HostSignalsStarted, Level = LogLevel.Debug,
        Message = "Host signals of target {Target}: server log {Log}, socket table {Table}")]
    private partial void LogStarted(string target, string log, string table);

    [LoggerMessage(EventId = LogEvents.HostSignalsFailed, Level = LogLevel.Error, Message = "Host signals of target {Target} failed unexpectedly while {Activity}")]
    private partial void LogFailed(Exception exception, string target, string activity);

    [LoggerMessage(EventId = LogEvents.HostSignalsStopAbandoned, Level = LogLevel.Warning,
        Message = "Shutdown bound reached with {Count} server log readers still running ({Targets}); they are left to end with the process")]
    private partial void LogStopAbandoned(int count, string targets);

    [LoggerMessage(EventId = LogEvents.ListenerTableUnreadable, Level = LogLevel.Warning,
        Message = "Socket table for target {Target} cannot be read ({Errors}); its listener is reported unknown")]
    private partial void LogTableUnreadable(string target, string errors);
}

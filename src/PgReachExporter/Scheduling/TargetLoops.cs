using System.Threading.Channels;
using PgReachExporter.Configuration;

namespace PgReachExporter.Scheduling;

/// <summary>
/// One independent loop per target, reconciled with the wanted set: loops of removed or changed targets are stopped
/// (and awaited) before new ones start. A loop that throws is reported and started again after a backoff, never
/// silently gone. Shared by the probe and the server-check schedules.
/// </summary>
internal sealed class TargetLoops(
    Func<TargetDefinition, CancellationToken, Task> run,
    Action<TargetDefinition> starting,
    Action<TargetDefinition, bool> stopped,
    Action<TargetDefinition, Exception> loopFailed,
    TimeProvider time)
{
    public static readonly TimeSpan FirstRestartDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxRestartDelay = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, RunningTarget> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _reconcile = new(1, 1);

    /// <summary>
    /// Runs the loops of <paramref name="select"/>(current settings) and follows every change of the target set, one
    /// reconciliation after the other, until <paramref name="stopping"/>; then stops every loop. A reconciliation
    /// that fails is handed to <paramref name="reconcileFailed"/> and the next change is still applied.
    /// </summary>
    public async Task FollowAsync(
        TargetSetMonitor targets, Func<AgentSettings, IEnumerable<TargetDefinition>> select, Action<Exception> reconcileFailed, CancellationToken stopping)
    {
        // Only the latest set matters: a burst of reloads is reconciled once, with the last one.
        var changes = Channel.CreateBounded<AgentSettings>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        void OnChanged(AgentSettings settings) => changes.Writer.TryWrite(settings);

        // Subscribe before reading the current set, so a change in between is not lost.
        targets.Changed += OnChanged;
        try
        {
            await ReconcileObservedAsync(targets.Current).ConfigureAwait(false);
            await foreach (var settings in changes.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                await ReconcileObservedAsync(settings).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            targets.Changed -= OnChanged;
            await StopAllAsync().ConfigureAwait(false);
        }

        async Task ReconcileObservedAsync(AgentSettings settings)
        {
            try
            {
                await ReconcileAsync(select(settings), stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                reconcileFailed(ex);
            }
        }
    }

    /// <summary>Makes the running loops match <paramref name="wanted"/>; <paramref name="stopping"/> ends every loop.</summary>
    /// <remarks><paramref name="stopped"/> is told whether the target was removed (true) or only changed.</remarks>
    public async Task ReconcileAsync(IEnumerable<TargetDefinition> wanted, CancellationToken stopping)
    {
        await _reconcile.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            var targets = wanted.ToList();
            var byName = targets.ToDictionary(t => t.Name, StringComparer.Ordinal);
            var stale = _running.Values.Where(r => !byName.TryGetValue(r.Target.Name, out var w) || w != r.Target).ToList();
            foreach (var running in stale)
            {
                await StopAsync(running, removed: !byName.ContainsKey(running.Target.Name)).ConfigureAwait(false);
            }

            foreach (var target in targets.Where(t => !_running.ContainsKey(t.Name)))
            {
                Start(target, stopping);
            }
        }
        finally
        {
            _reconcile.Release();
        }
    }

    /// <summary>Waits for every loop to end (they end when the token given to <see cref="ReconcileAsync"/> is cancelled).</summary>
    public async Task StopAllAsync()
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

    private void Start(TargetDefinition target, CancellationToken stopping)
    {
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        starting(target);
        var loop = Task.Run(() => SuperviseAsync(target, cancellation.Token), CancellationToken.None);
        _running[target.Name] = new RunningTarget(target, cancellation, loop);
    }

    // The loop's own failures are bugs or inputs validation did not catch: reported each time, restarted with backoff.
    private async Task SuperviseAsync(TargetDefinition target, CancellationToken stopping)
    {
        var delay = FirstRestartDelay;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await run(target, stopping).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                loopFailed(target, ex);
            }

            try
            {
                await Task.Delay(delay, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRestartDelay.Ticks));
        }
    }

    private async Task StopAsync(RunningTarget running, bool removed)
    {
        _running.Remove(running.Target.Name);
        await running.Cancellation.CancelAsync().ConfigureAwait(false);
        await running.Loop.ConfigureAwait(false);
        running.Cancellation.Dispose();
        stopped(running.Target, removed);
    }

    private sealed record RunningTarget(TargetDefinition Target, CancellationTokenSource Cancellation, Task Loop);
}

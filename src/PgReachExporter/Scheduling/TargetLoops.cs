using PgReachExporter.Configuration;

namespace PgReachExporter.Scheduling;

/// <summary>
/// One independent loop per target, reconciled with the wanted set: loops of removed or changed targets are stopped
/// (and awaited) before new ones start. Shared by the probe and the server-check schedules.
/// </summary>
internal sealed class TargetLoops(
    Func<TargetDefinition, CancellationToken, Task> run,
    Action<TargetDefinition> starting,
    Action<TargetDefinition, bool> stopped)
{
    private readonly Dictionary<string, RunningTarget> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _reconcile = new(1, 1);

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
        var loop = Task.Run(() => run(target, cancellation.Token), CancellationToken.None);
        _running[target.Name] = new RunningTarget(target, cancellation, loop);
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

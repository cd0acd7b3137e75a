using Microsoft.Extensions.Hosting;

namespace PgReachExporter.Scheduling;

/// <summary>
/// Starts a background full collection once a minute. Every target's latest cycle, evidence and verdict live exactly
/// one interval: long enough to be promoted to gen2, where they then die, and the GC's own gen2 budget let minutes of
/// that garbage pile up before it collected (docs/performance.md). A background collection frees it for reuse while
/// the probes run on: it marks concurrently, does not compact (nothing moves) and stops the threads only twice,
/// briefly.
/// </summary>
/// <remarks>
/// A timer of the injected clock calls the collection directly (no async continuation in between), so a test that
/// advances a fake clock sees the collection happen, or not, by the time Advance returns.
/// </remarks>
internal sealed class HeapSweeper(TimeProvider time, Action collect) : IHostedService, IDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private ITimer? _timer;

    public HeapSweeper(TimeProvider time)
        : this(time, () => GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false, compacting: false))
    {
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _timer ??= time.CreateTimer(_ => collect(), null, Period, Period);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }
}

using Microsoft.Extensions.Hosting;

namespace PgReachExporter.Scheduling;

/// <summary>
/// Starts a background full collection once a minute. Every target's latest cycle, evidence and verdict live exactly
/// one interval: long enough to be promoted to gen2, where they then die, and the GC's own gen2 budget let minutes of
/// that garbage pile up before it collected (docs/performance.md). A background collection frees it for reuse while
/// the probes run on: it marks concurrently, does not compact (nothing moves) and stops the threads only twice,
/// briefly.
/// </summary>
internal sealed class HeapSweeper(TimeProvider time, Action collect) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    // Created at start rather than in ExecuteAsync, which the host runs on another thread: the first period counts from start.
    private PeriodicTimer? _timer;

    public HeapSweeper(TimeProvider time)
        : this(time, () => GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false, compacting: false))
    {
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = new PeriodicTimer(Period, time);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer!.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                collect();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}

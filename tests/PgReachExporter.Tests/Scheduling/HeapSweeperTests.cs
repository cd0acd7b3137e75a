using Microsoft.Extensions.Time.Testing;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Tests.Scheduling;

public sealed class HeapSweeperTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
    private int _collections;

    private HeapSweeper Sweeper() => new(_time, () => Interlocked.Increment(ref _collections));

    // The sweep runs on the timer's continuation: wait for it, bounded, rather than for a fixed time.
    private async Task<int> CollectionsReachingAsync(int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Volatile.Read(ref _collections) < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        return Volatile.Read(ref _collections);
    }

    [Fact]
    public async Task Collects_once_per_minute_on_the_clock_and_not_before()
    {
        using var sweeper = Sweeper();
        await sweeper.StartAsync(CancellationToken.None);

        _time.Advance(HeapSweeper.Period - TimeSpan.FromSeconds(1));
        Assert.Equal(0, Volatile.Read(ref _collections));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await CollectionsReachingAsync(1));

        _time.Advance(HeapSweeper.Period);
        Assert.Equal(2, await CollectionsReachingAsync(2));

        await sweeper.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Stops_without_error_and_collects_no_more()
    {
        using var sweeper = Sweeper();
        await sweeper.StartAsync(CancellationToken.None);
        await sweeper.StopAsync(CancellationToken.None);

        _time.Advance(HeapSweeper.Period * 3);

        Assert.Equal(0, Volatile.Read(ref _collections));
        Assert.True(sweeper.ExecuteTask is { IsCompleted: true, IsFaulted: false });
    }
}

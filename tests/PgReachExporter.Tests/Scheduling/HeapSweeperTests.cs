using Microsoft.Extensions.Time.Testing;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Tests.Scheduling;

public sealed class HeapSweeperTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
    private readonly List<DateTimeOffset> _collections = [];

    // The fake clock runs the sweeper's timer inside Advance: each assertion sees exactly what happened until then.
    private HeapSweeper Sweeper() => new(_time, () => _collections.Add(_time.GetUtcNow()));

    [Fact]
    public async Task Collects_once_per_minute_on_the_clock_and_not_before()
    {
        var start = _time.GetUtcNow();
        using var sweeper = Sweeper();
        await sweeper.StartAsync(CancellationToken.None);

        _time.Advance(HeapSweeper.Period - TimeSpan.FromSeconds(1));
        Assert.Empty(_collections);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([start + HeapSweeper.Period], _collections);

        _time.Advance(HeapSweeper.Period);
        Assert.Equal([start + HeapSweeper.Period, start + (2 * HeapSweeper.Period)], _collections);

        await sweeper.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Stops_without_error_and_collects_no_more()
    {
        using var sweeper = Sweeper();
        await sweeper.StartAsync(CancellationToken.None);
        _time.Advance(HeapSweeper.Period);
        await sweeper.StopAsync(CancellationToken.None);

        _time.Advance(HeapSweeper.Period * 3);

        Assert.Single(_collections);
    }
}

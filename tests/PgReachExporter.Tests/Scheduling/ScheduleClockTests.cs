using Microsoft.Extensions.Time.Testing;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Tests.Scheduling;

public sealed class ScheduleClockTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Millisecond = TimeSpan.FromMilliseconds(1);

    // The fake clock runs the clock's one timer inside Advance, and a released wait is complete when Advance returns
    // (only its continuation runs later, on the thread pool).
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    [Fact]
    public void A_delay_ends_at_its_due_time_and_not_earlier_than_the_coalescing_allows()
    {
        using var clock = new ScheduleClock(_time);
        var delay = clock.DelayAsync(TimeSpan.FromSeconds(2), CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(2) - ScheduleClock.Coalescing - Millisecond);
        Assert.False(delay.IsCompleted);

        _time.Advance(ScheduleClock.Coalescing + Millisecond);
        Assert.True(delay.IsCompletedSuccessfully);
    }

    [Fact]
    public void One_expiry_releases_every_wait_due_within_the_coalescing_and_no_later_one()
    {
        using var clock = new ScheduleClock(_time);
        var first = clock.DelayAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        var close = clock.DelayAsync(TimeSpan.FromSeconds(1) + ScheduleClock.Coalescing - Millisecond, CancellationToken.None);
        var later = clock.DelayAsync(TimeSpan.FromSeconds(1) + ScheduleClock.Coalescing + Millisecond, CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(first.IsCompletedSuccessfully);
        Assert.True(close.IsCompletedSuccessfully);
        Assert.False(later.IsCompleted);

        _time.Advance(ScheduleClock.Coalescing + Millisecond);
        Assert.True(later.IsCompletedSuccessfully);
    }

    [Fact]
    public void A_wait_due_before_the_armed_one_is_released_on_time()
    {
        using var clock = new ScheduleClock(_time);
        var late = clock.DelayAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        var early = clock.DelayAsync(TimeSpan.FromSeconds(1), CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(early.IsCompletedSuccessfully);
        Assert.False(late.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.True(late.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_cancelled_wait_ends_cancelled_and_leaves_the_others_alone()
    {
        using var clock = new ScheduleClock(_time);
        using var stop = new CancellationTokenSource();
        var cancelled = clock.DelayAsync(TimeSpan.FromSeconds(1), stop.Token);
        var kept = clock.DelayAsync(TimeSpan.FromSeconds(1), CancellationToken.None);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(kept.IsCompletedSuccessfully);
        Assert.True(clock.DelayAsync(TimeSpan.FromSeconds(1), stop.Token).IsCanceled);
    }

    [Fact]
    public async Task Disposing_cancels_what_still_waits()
    {
        var clock = new ScheduleClock(_time);
        var waiting = clock.DelayAsync(TimeSpan.FromSeconds(1), CancellationToken.None);

        clock.Dispose();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Throws<ObjectDisposedException>(() => { _ = clock.DelayAsync(TimeSpan.FromSeconds(1), CancellationToken.None); });
    }

    [Fact]
    public void Ticks_stay_on_the_grid_of_the_period()
    {
        using var clock = new ScheduleClock(_time);
        var ticks = clock.Every(Interval);

        var first = ticks.WaitForNextTickAsync(CancellationToken.None);
        _time.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.False(first.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(first.IsCompletedSuccessfully);

        // A cycle that took 4 s: the next tick is still a whole period after the first.
        _time.Advance(TimeSpan.FromSeconds(4));
        var second = ticks.WaitForNextTickAsync(CancellationToken.None);
        _time.Advance(Interval - TimeSpan.FromSeconds(5));
        Assert.False(second.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(second.IsCompletedSuccessfully);
    }

    [Fact]
    public void A_tick_missed_by_a_long_cycle_is_taken_at_once_and_the_next_stays_on_the_grid()
    {
        using var clock = new ScheduleClock(_time);
        var ticks = clock.Every(Interval);

        // The first cycle overran: 2.5 periods went by before the target asked for its next tick.
        _time.Advance((Interval * 2) + (Interval / 2));
        Assert.True(ticks.WaitForNextTickAsync(CancellationToken.None).IsCompletedSuccessfully);

        var next = ticks.WaitForNextTickAsync(CancellationToken.None);
        _time.Advance((Interval / 2) - TimeSpan.FromSeconds(1));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(next.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Ten_thousand_targets_wait_on_one_timer_and_each_is_released_once()
    {
        using var clock = new ScheduleClock(_time);
        var waits = Enumerable.Range(0, 10_000)
            .Select(i => clock.DelayAsync(TimeSpan.FromMilliseconds(i * 1.5), CancellationToken.None))
            .ToArray();

        _time.Advance(TimeSpan.FromSeconds(15));

        await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(waits, w => Assert.True(w.IsCompletedSuccessfully));
    }
}

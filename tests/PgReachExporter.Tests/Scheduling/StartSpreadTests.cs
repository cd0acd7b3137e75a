using PgReachExporter.Scheduling;

namespace PgReachExporter.Tests.Scheduling;

public sealed class StartSpreadTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    [Fact]
    public void Every_first_cycle_ends_within_one_interval_timeouts_included()
    {
        var offsets = Enumerable.Range(0, 1000).Select(i => StartSpread.Offset($"target-{i}", Interval, Timeout)).ToList();

        Assert.All(offsets, o => Assert.InRange(o + Timeout, Timeout, Interval));
        Assert.Equal(offsets[7], StartSpread.Offset("target-7", Interval, Timeout));
    }

    [Fact]
    public void Many_targets_spread_over_the_whole_window()
    {
        var buckets = Enumerable.Range(0, 1000)
            .GroupBy(i => (int)(StartSpread.Offset($"db-{i}.internal:5432", Interval, Timeout).TotalSeconds / 1.2))
            .ToDictionary(g => g.Key, g => g.Count());

        // Ten buckets of 1.2 s over the 12 s window: none empty, none holding more than twice its share.
        Assert.Equal(10, buckets.Count);
        Assert.All(buckets.Values, count => Assert.InRange(count, 1, 200));
    }

    [Theory]
    [InlineData(15, 3, 12)]
    [InlineData(5, 3, 2.5)]
    [InlineData(10, 9, 5)]
    [InlineData(60, 5, 55)]
    public void A_timeout_close_to_the_interval_still_spreads_over_half_of_it(double interval, double timeout, double window)
    {
        Assert.Equal(TimeSpan.FromSeconds(window), StartSpread.Window(TimeSpan.FromSeconds(interval), TimeSpan.FromSeconds(timeout)));
    }
}

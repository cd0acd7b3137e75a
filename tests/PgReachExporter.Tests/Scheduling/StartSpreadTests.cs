using PgReachExporter.Scheduling;

namespace PgReachExporter.Tests.Scheduling;

public sealed class StartSpreadTests
{
    [Fact]
    public void Offsets_stay_within_the_interval_and_are_stable()
    {
        var interval = TimeSpan.FromSeconds(15);
        var offsets = Enumerable.Range(0, 1000).Select(i => StartSpread.Offset($"target-{i}", interval)).ToList();

        Assert.All(offsets, o => Assert.InRange(o, TimeSpan.Zero, interval));
        Assert.Equal(offsets[7], StartSpread.Offset("target-7", interval));
    }

    [Fact]
    public void Many_targets_spread_over_the_whole_interval()
    {
        var interval = TimeSpan.FromSeconds(15);
        var buckets = Enumerable.Range(0, 1000)
            .GroupBy(i => (int)(StartSpread.Offset($"db-{i}.internal:5432", interval).TotalSeconds / 1.5))
            .ToDictionary(g => g.Key, g => g.Count());

        // Ten buckets of 1.5 s: none empty, none holding more than twice its share.
        Assert.Equal(10, buckets.Count);
        Assert.All(buckets.Values, count => Assert.InRange(count, 1, 200));
    }
}

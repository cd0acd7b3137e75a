using Microsoft.Extensions.Time.Testing;
using PgReachExporter.Configuration;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Tests.Scheduling;

public sealed class TargetLoopsTests
{
    private static readonly TargetDefinition Target = new()
    {
        Name = "orders", Host = "db1.example", Port = 5432, Database = "orders", Username = "app",
        ConnectTimeout = TimeSpan.FromSeconds(1), Interval = TimeSpan.FromSeconds(15),
    };

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    [Fact]
    public async Task A_loop_that_throws_is_reported_and_restarted_with_backoff_never_silently_gone()
    {
        var runs = 0;
        var failures = new List<string>();
        var loops = new TargetLoops(
            (_, token) => Interlocked.Increment(ref runs) <= 3 ? throw new ArgumentOutOfRangeException("interval") : Task.Delay(Timeout.Infinite, token),
            _ => { },
            (_, _) => { },
            (target, ex) => { lock (failures) { failures.Add($"{target.Name}: {ex.GetType().Name}"); } },
            _time);
        using var stopping = new CancellationTokenSource();
        await loops.ReconcileAsync([Target], stopping.Token);

        await Until(() => Volatile.Read(ref runs) == 1 && Count(failures) == 1);
        var first = await AdvanceUntil(() => Volatile.Read(ref runs) == 2);
        var second = await AdvanceUntil(() => Volatile.Read(ref runs) == 3);
        var third = await AdvanceUntil(() => Volatile.Read(ref runs) == 4);

        // Restarted after 1 s, then 2 s, then 4 s of the clock: never at once, never given up.
        Assert.InRange(first, TargetLoops.FirstRestartDelay, 2 * TargetLoops.FirstRestartDelay);
        Assert.InRange(second, 2 * TargetLoops.FirstRestartDelay, 3 * TargetLoops.FirstRestartDelay);
        Assert.InRange(third, 4 * TargetLoops.FirstRestartDelay, 5 * TargetLoops.FirstRestartDelay);
        Assert.Equal(["orders: ArgumentOutOfRangeException", "orders: ArgumentOutOfRangeException", "orders: ArgumentOutOfRangeException"], failures);
        await stopping.CancelAsync();
        await loops.StopAllAsync().WaitAsync(TimeSpan.FromSeconds(5));
    }

    private static int Count(List<string> items)
    {
        lock (items)
        {
            return items.Count;
        }
    }

    // Moves the fake clock on in small steps until the loop has done what is expected; returns how far it moved.
    private async Task<TimeSpan> AdvanceUntil(Func<bool> condition)
    {
        var step = TimeSpan.FromMilliseconds(100);
        var moved = TimeSpan.Zero;
        for (var i = 0; i < 200 && !condition(); i++)
        {
            _time.Advance(step);
            moved += step;
            // Let the loop's continuation run before the next step.
            await Task.Delay(5);
        }

        Assert.True(condition(), $"not reached after {moved} of the clock");
        return moved;
    }

    // The loop runs on the thread pool: wait for what it does, bounded.
    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the loop did not get there within 5 s");
            await Task.Delay(5);
        }
    }
}

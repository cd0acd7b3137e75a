using System.Globalization;

namespace PgReachExporter.Metrics;

/// <summary>What the agent-written families share for a counter's value: the check of an increment and the lock-free update.</summary>
internal static class CounterValue
{
    /// <summary>Refuses an increment of a gauge, a negative one or NaN, naming the family.</summary>
    public static void RequireIncrement(string family, bool counter, double amount)
    {
        if (!counter || amount < 0 || double.IsNaN(amount))
        {
            throw new InvalidOperationException($"{family}: Inc({amount.ToString(CultureInfo.InvariantCulture)}) is for a counter and a non-negative amount");
        }
    }

    /// <summary>Adds <paramref name="amount"/> to <paramref name="value"/> without a lock.</summary>
    public static void Add(ref double value, double amount)
    {
        double seen;
        do
        {
            seen = Volatile.Read(ref value);
        }
        while (Interlocked.CompareExchange(ref value, seen + amount, seen) != seen);
    }

    /// <summary>Raises <paramref name="value"/> to <paramref name="total"/> without a lock; never lowers it.</summary>
    public static void RaiseTo(ref double value, double total)
    {
        double seen;
        do
        {
            seen = Volatile.Read(ref value);
            if (total <= seen)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref value, total, seen) != seen);
    }
}

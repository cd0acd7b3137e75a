namespace PgReachExporter.Scheduling;

/// <summary>Spreads the first probe of each target over its interval, stably by name, so targets do not probe in bursts.</summary>
internal static class StartSpread
{
    public static TimeSpan Offset(string targetName, TimeSpan interval)
    {
        // FNV-1a: stable across runs and processes, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var c in targetName)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return TimeSpan.FromTicks((long)(interval.Ticks * (hash / (double)uint.MaxValue)));
    }
}

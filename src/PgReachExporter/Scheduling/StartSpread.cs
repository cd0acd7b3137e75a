namespace PgReachExporter.Scheduling;

/// <summary>
/// Spreads the first probe of each target, stably by name, so targets do not probe in bursts. The window is the
/// interval less the connect timeout (at least half the interval): then every target's first cycle has ended, and
/// its first verdict is out, within one interval of the start, timeouts included, instead of on the very edge of
/// interval plus timeout where any delay at start-up makes it late.
/// </summary>
internal static class StartSpread
{
    public static TimeSpan Window(TimeSpan interval, TimeSpan connectTimeout) =>
        interval - connectTimeout is var window && window >= interval / 2 ? window : interval / 2;

    public static TimeSpan Offset(string targetName, TimeSpan interval, TimeSpan connectTimeout)
    {
        // FNV-1a: stable across runs and processes, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var c in targetName)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return TimeSpan.FromTicks((long)(Window(interval, connectTimeout).Ticks * (hash / (double)uint.MaxValue)));
    }
}

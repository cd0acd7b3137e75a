using System.Globalization;
using System.Text.RegularExpressions;

namespace PgReachExporter.Configuration;

/// <summary>Durations as Go's time.ParseDuration writes them ("300ms", "1.5s", "1m30s", "0"), for the web configuration file.</summary>
internal static partial class GoDuration
{
    public static TimeSpan? Parse(string text)
    {
        if (text == "0")
        {
            return TimeSpan.Zero;
        }

        var match = Shape().Match(text);
        if (!match.Success)
        {
            return null;
        }

        double ticks = 0;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unit = Unit().Match(part.Value);
            var amount = double.Parse(part.Value[..unit.Index], CultureInfo.InvariantCulture);
            ticks += amount * unit.Value switch
            {
                "ns" => 0.01,
                "us" or "µs" or "μs" => 10,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return null;
        }

        var value = TimeSpan.FromTicks((long)ticks);
        return match.Groups["sign"].Value == "-" ? -value : value;
    }

    [GeneratedRegex(@"^(?<sign>[-+]?)(?<part>(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$")]
    private static partial Regex Shape();

    [GeneratedRegex(@"(ns|us|µs|μs|ms|s|m|h)$")]
    private static partial Regex Unit();
}

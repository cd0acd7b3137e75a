using System.Globalization;

namespace PgReachExporter.Configuration;

/// <summary>Parses durations written as .NET TimeSpans ("00:00:15"), with a unit ("15s", "500ms", "2m") or as plain seconds ("3", as libpq's connect_timeout).</summary>
internal static class DurationParser
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return TryFromSeconds(seconds, out value);
        }

        foreach (var (suffix, factor) in Units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            {
                return TryFromSeconds(amount * factor, out value);
            }
        }

        return text.Contains(':') && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryFromSeconds(double seconds, out TimeSpan value)
    {
        value = default;
        if (double.IsNaN(seconds) || double.IsInfinity(seconds) || Math.Abs(seconds) > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    // Longest suffixes first so "ms" is not read as "s".
    private static readonly (string Suffix, double Factor)[] Units =
    [
        ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400),
    ];

    /// <summary>Formats a duration for messages and pages.</summary>
    public static string Format(TimeSpan value) =>
        value.TotalSeconds >= 1 && value.TotalSeconds == Math.Floor(value.TotalSeconds)
            ? $"{value.TotalSeconds:0}s"
            : $"{value.TotalMilliseconds:0.###}ms";
}

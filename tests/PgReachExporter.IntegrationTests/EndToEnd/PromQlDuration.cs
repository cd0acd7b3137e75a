using System.Globalization;
using System.Text.RegularExpressions;

namespace PgReachExporter.IntegrationTests.EndToEnd;

/// <summary>Prometheus duration text ("5m", "1h30m", "500ms") to and from <see cref="TimeSpan"/>.</summary>
internal static partial class PromQlDuration
{
    /// <summary>One duration as Prometheus writes it: units from y down to ms, each at most once.</summary>
    public const string Pattern = @"(?:\d+(?:ms|[smhdwy]))+";

    public static TimeSpan Parse(string text)
    {
        var parts = Part().Matches(text);
        if (parts.Count == 0 || string.Concat(parts.Select(part => part.Value)) != text)
        {
            throw new FormatException($"'{text}' is not a Prometheus duration.");
        }

        return parts.Aggregate(TimeSpan.Zero, (sum, part) =>
            sum + (long.Parse(part.Groups["n"].Value, CultureInfo.InvariantCulture) * Unit(part.Groups["unit"].Value)));
    }

    /// <summary>Whole seconds as "Ns" where they divide evenly, else milliseconds ("Nms").</summary>
    public static string Format(TimeSpan duration)
    {
        var milliseconds = (long)duration.TotalMilliseconds;
        return milliseconds % 1000 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1000}s")
            : string.Create(CultureInfo.InvariantCulture, $"{milliseconds}ms");
    }

    private static TimeSpan Unit(string unit) => unit switch
    {
        "ms" => TimeSpan.FromMilliseconds(1),
        "s" => TimeSpan.FromSeconds(1),
        "m" => TimeSpan.FromMinutes(1),
        "h" => TimeSpan.FromHours(1),
        "d" => TimeSpan.FromDays(1),
        "w" => TimeSpan.FromDays(7),
        "y" => TimeSpan.FromDays(365),
        _ => throw new FormatException($"'{unit}' is not a Prometheus duration unit."),
    };

    [GeneratedRegex(@"(?<n>\d+)(?<unit>ms|[smhdwy])")]
    private static partial Regex Part();
}

using System.Text.RegularExpressions;

namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>
/// The metric names a PromQL expression selects. Not a PromQL parser: it removes what cannot be a metric name
/// (strings, label matchers, ranges, grouping label lists, function names, keywords, numbers) and keeps the rest.
/// </summary>
internal static partial class PromQlMetricNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
        "offset", "bool", "inf", "nan",
    };

    public static IReadOnlySet<string> In(string expression)
    {
        var text = StringLiteral().Replace(expression, " ");
        text = LabelMatchers().Replace(text, " ");
        text = RangeOrSubquery().Replace(text, " ");
        text = GroupingLabels().Replace(text, " ");
        return Identifier().Matches(text)
            .Select(match => match.Value)
            .Where(name => !Keywords.Contains(name))
            .ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangeOrSubquery();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", RegexOptions.IgnoreCase)]
    private static partial Regex GroupingLabels();

    // An identifier not glued to a number, a variable or another name, and not called like a function.
    [GeneratedRegex(@"(?<![\w:.$])(?>[A-Za-z_:][\w:]*)(?!\s*\()")]
    private static partial Regex Identifier();
}

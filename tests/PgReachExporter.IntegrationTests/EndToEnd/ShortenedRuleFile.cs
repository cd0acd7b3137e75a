using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace PgReachExporter.IntegrationTests.EndToEnd;

/// <summary>
/// A test-only copy of a Prometheus rule file in which time runs faster: every `for:` and every duration inside
/// an expression (range selectors, subquery steps, offsets) is divided by the same factor, and nothing else
/// changes. The real rule logic then fires within seconds instead of minutes.
/// </summary>
internal static partial class ShortenedRuleFile
{
    /// <summary>Reads the rule file at <paramref name="path"/> and returns the shortened copy as YAML text.</summary>
    public static string Load(string path, int divisor) => Shorten(File.ReadAllText(path), divisor);

    public static string Shorten(string yaml, int divisor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(divisor, 1);
        var stream = new YamlStream();
        using (var reader = new StringReader(yaml))
        {
            stream.Load(reader);
        }

        var root = (YamlMappingNode)stream.Documents.Single().RootNode;
        foreach (var group in ((YamlSequenceNode)root["groups"]).Children.Cast<YamlMappingNode>())
        {
            foreach (var rule in ((YamlSequenceNode)group["rules"]).Children.Cast<YamlMappingNode>())
            {
                if (rule.Children.TryGetValue("for", out var forNode) && forNode is YamlScalarNode { Value: { } forText } forScalar)
                {
                    forScalar.Value = Divide(forText, divisor);
                }

                var expression = (YamlScalarNode)rule["expr"];
                expression.Value = ShortenExpression(expression.Value ?? "", divisor);
            }
        }

        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>Divides the durations of range selectors ([5m], [1h:1m]) and offsets (offset 1h); the rest stays as written.</summary>
    public static string ShortenExpression(string expression, int divisor)
    {
        var ranges = RangeOrSubquery().Replace(expression, match =>
            "[" + Divide(match.Groups["range"].Value, divisor)
                + (match.Groups["colon"].Success ? ":" : "")
                + (match.Groups["step"].Success ? Divide(match.Groups["step"].Value, divisor) : "")
                + "]");
        return Offset().Replace(ranges, match =>
            match.Groups["keyword"].Value + match.Groups["sign"].Value + Divide(match.Groups["duration"].Value, divisor));
    }

    private static string Divide(string duration, int divisor) =>
        PromQlDuration.Format(PromQlDuration.Parse(duration.Trim()) / divisor);

    [GeneratedRegex(@"\[\s*(?<range>" + PromQlDuration.Pattern + @")\s*(?<colon>:)?\s*(?<step>" + PromQlDuration.Pattern + @")?\s*\]")]
    private static partial Regex RangeOrSubquery();

    [GeneratedRegex(@"(?<keyword>\boffset\s+)(?<sign>-?)(?<duration>" + PromQlDuration.Pattern + @")\b")]
    private static partial Regex Offset();
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace PgReachExporter.IntegrationTests.Agent;

/// <summary>One sample of a Prometheus text exposition.</summary>
public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? this[string label] => Labels.GetValueOrDefault(label);
}

/// <summary>A parsed scrape, with lookups by family and labels.</summary>
public sealed partial class Scrape(string text, IReadOnlyList<MetricSample> samples)
{
    public string Text { get; } = text;
    public IReadOnlyList<MetricSample> Samples { get; } = samples;

    public static Scrape Parse(string text)
    {
        var samples = new List<MetricSample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var match = SampleLine().Match(line);
            if (!match.Success)
            {
                throw new FormatException($"Not a sample line: {line}");
            }

            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups["k"].Value, m => Regex.Unescape(m.Groups["v"].Value));
            samples.Add(new(match.Groups["name"].Value, labels, ParseValue(match.Groups["value"].Value)));
        }

        return new Scrape(text, samples);
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    /// <summary>Samples of a family whose labels include all the given pairs ("key=value").</summary>
    public IEnumerable<MetricSample> Find(string name, params string[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(pair =>
        {
            var eq = pair.IndexOf('=');
            return s.Labels.TryGetValue(pair[..eq], out var v) && v == pair[(eq + 1)..];
        }));

    /// <summary>The value of the single matching sample, or null when there is none.</summary>
    public double? Value(string name, params string[] labels)
    {
        var found = Find(name, labels).ToList();
        return found.Count switch
        {
            0 => null,
            1 => found[0].Value,
            _ => throw new InvalidOperationException($"{found.Count} samples of {name} match {string.Join(",", labels)}"),
        };
    }

    /// <summary>For a one-hot family: the label value of "result" (or another label) that is 1.</summary>
    public string? Current(string name, params string[] labels) => Current(name, "result", labels);

    public string? Current(string name, string valueLabel, string[] labels) =>
        Find(name, labels).Where(s => s.Value == 1).Select(s => s[valueLabel]).SingleOrDefault();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<k>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<v>(\\.|[^""\\])*)""")]
    private static partial Regex LabelPair();
}

using System.Globalization;

namespace PgReachExporter.LoadHarness;

/// <summary>One /metrics response in the Prometheus text format, parsed into samples by family.</summary>
internal sealed class MetricsPage
{
    private readonly Dictionary<string, List<(string Labels, double Value)>> _families = new(StringComparer.Ordinal);

    public MetricsPage(string text, DateTimeOffset takenAt)
    {
        TakenAt = takenAt;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var nameEnd = line.IndexOfAny(['{', ' ']);
            var valueStart = line.LastIndexOf(' ');
            if (nameEnd <= 0 || valueStart < nameEnd)
            {
                continue;
            }

            var labels = line[nameEnd] == '{' ? line[(nameEnd + 1)..line.LastIndexOf('}')] : "";
            var value = double.Parse(line[(valueStart + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
            var name = line[..nameEnd];
            if (!_families.TryGetValue(name, out var samples))
            {
                _families[name] = samples = [];
            }

            samples.Add((labels, value));
        }
    }

    public DateTimeOffset TakenAt { get; }

    public double Sum(string family) => Samples(family).Sum(s => s.Value);

    /// <summary>The sum of a family's samples for one generation label (dotnet_collection_count_total).</summary>
    public double Sum(string family, int generation) =>
        Samples(family).Where(s => Label(s.Labels, "generation") == generation.ToString(CultureInfo.InvariantCulture)).Sum(s => s.Value);

    public double Max(string family) => Samples(family).Select(s => s.Value).DefaultIfEmpty(double.NaN).Max();

    public double? Single(string family) => Samples(family) is [var only] ? only.Value : null;

    /// <summary>The family's samples summed per value of the "target" label.</summary>
    public Dictionary<string, double> ByTarget(string family)
    {
        var byTarget = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (labels, value) in Samples(family))
        {
            var target = Label(labels, "target");
            if (target is not null)
            {
                byTarget[target] = byTarget.GetValueOrDefault(target) + value;
            }
        }

        return byTarget;
    }

    /// <summary>For a one-hot family: how many series are 1 for each value of <paramref name="label"/>.</summary>
    public SortedDictionary<string, int> CurrentCounts(string family, string label)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (labels, value) in Samples(family))
        {
            if (value == 1 && Label(labels, label) is { } current)
            {
                counts[current] = counts.GetValueOrDefault(current) + 1;
            }
        }

        return counts;
    }

    private List<(string Labels, double Value)> Samples(string family) => _families.GetValueOrDefault(family) ?? [];

    private static string? Label(string labels, string name)
    {
        // The harness's own target names need no unescaping.
        var key = $"{name}=\"";
        var start = labels.StartsWith(key, StringComparison.Ordinal) ? key.Length
            : labels.IndexOf("," + key, StringComparison.Ordinal) is >= 0 and var at ? at + key.Length + 1 : -1;
        if (start < 0)
        {
            return null;
        }

        var end = labels.IndexOf('"', start);
        return labels[start..end];
    }
}

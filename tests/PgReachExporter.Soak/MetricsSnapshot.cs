using System.Globalization;

namespace PgReachExporter.Soak;

/// <summary>One /metrics page in the Prometheus text format, parsed into samples with their labels.</summary>
internal sealed class MetricsSnapshot
{
    private readonly Dictionary<string, List<(Dictionary<string, string> Labels, double Value)>> _families = new(StringComparer.Ordinal);

    public MetricsSnapshot(string text, TimeSpan takenAt)
    {
        TakenAt = takenAt;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#' || Parse(line) is not { } sample)
            {
                continue;
            }

            if (!_families.TryGetValue(sample.Name, out var samples))
            {
                _families[sample.Name] = samples = [];
            }

            samples.Add((sample.Labels, sample.Value));
        }
    }

    /// <summary>Time since the start of the run at which the request was sent.</summary>
    public TimeSpan TakenAt { get; }

    public bool HasFamily(string family) => _families.ContainsKey(family);

    /// <summary>The sum of the samples whose labels include every given pair; null when none matches.</summary>
    public double? Value(string family, params (string Name, string Value)[] labels)
    {
        double? sum = null;
        foreach (var (sampleLabels, value) in _families.GetValueOrDefault(family) ?? [])
        {
            if (labels.All(l => sampleLabels.TryGetValue(l.Name, out var v) && v == l.Value))
            {
                sum = (sum ?? 0) + value;
            }
        }

        return sum;
    }

    public double? Target(string family, string target, params (string Name, string Value)[] labels) =>
        Value(family, [("target", target), .. labels]);

    /// <summary>The distinct values of the target label in a family.</summary>
    public IReadOnlySet<string> Targets(string family) =>
        (_families.GetValueOrDefault(family) ?? []).Select(s => s.Labels.GetValueOrDefault("target")).OfType<string>().ToHashSet(StringComparer.Ordinal);

    private static (string Name, Dictionary<string, string> Labels, double Value)? Parse(string line)
    {
        var nameEnd = line.IndexOfAny(['{', ' ']);
        if (nameEnd <= 0)
        {
            return null;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var at = nameEnd;
        if (line[at] == '{')
        {
            at++;
            while (at < line.Length && line[at] != '}')
            {
                var equals = line.IndexOf('=', at);
                if (equals < 0 || equals + 1 >= line.Length || line[equals + 1] != '"')
                {
                    return null;
                }

                var key = line[at..equals].TrimStart(',');
                var value = new System.Text.StringBuilder();
                at = equals + 2;
                for (; at < line.Length && line[at] != '"'; at++)
                {
                    if (line[at] == '\\' && at + 1 < line.Length)
                    {
                        at++;
                        value.Append(line[at] == 'n' ? '\n' : line[at]);
                    }
                    else
                    {
                        value.Append(line[at]);
                    }
                }

                labels[key] = value.ToString();
                at++; // past the closing quote
                if (at < line.Length && line[at] == ',')
                {
                    at++;
                }
            }

            at++; // past '}'
        }

        var fields = line[at..].Trim().Split(' ');
        var text = fields[0];
        var number = text switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN,
        };
        return (line[..nameEnd], labels, number);
    }
}

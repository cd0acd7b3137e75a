using System.Text.Json.Nodes;

namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>An alerting rule of a Prometheus rule file.</summary>
internal sealed record AlertingRule(
    string Group,
    string Name,
    string Expression,
    string? For,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations);

/// <summary>A recording rule of a Prometheus rule file.</summary>
internal sealed record RecordingRule(string Group, string Name, string Expression);

/// <summary>The rules of deploy/prometheus/alerts.yml (or any Prometheus rule file).</summary>
internal sealed class PrometheusRuleFile
{
    private PrometheusRuleFile(IReadOnlyList<AlertingRule> alerts, IReadOnlyList<RecordingRule> recordings)
    {
        Alerts = alerts;
        Recordings = recordings;
    }

    public IReadOnlyList<AlertingRule> Alerts { get; }

    public IReadOnlyList<RecordingRule> Recordings { get; }

    public IEnumerable<string> Expressions =>
        Recordings.Select(rule => rule.Expression).Concat(Alerts.Select(rule => rule.Expression));

    public static PrometheusRuleFile Load(string path) => FromGroups(YamlFile.Load(path)["groups"], path);

    public static PrometheusRuleFile FromGroups(JsonNode? groups, string source)
    {
        var alerts = new List<AlertingRule>();
        var recordings = new List<RecordingRule>();
        foreach (var group in groups.Items())
        {
            var groupName = group["name"].Text($"group name in {source}");
            foreach (var rule in group["rules"].Items())
            {
                var expression = rule["expr"].Text($"expr of a rule in group {groupName} of {source}");
                if (rule["alert"] is { } alert)
                {
                    alerts.Add(new AlertingRule(
                        groupName,
                        alert.ToString(),
                        expression,
                        rule["for"]?.ToString(),
                        Map(rule["labels"]),
                        Map(rule["annotations"])));
                }
                else
                {
                    recordings.Add(new RecordingRule(groupName, rule["record"].Text($"record name in {source}"), expression));
                }
            }
        }

        return new PrometheusRuleFile(alerts, recordings);
    }

    private static Dictionary<string, string> Map(JsonNode? node) =>
        node is JsonObject entries
            ? entries.ToDictionary(entry => entry.Key, entry => entry.Value?.ToString() ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>A query of one dashboard panel.</summary>
internal sealed record PanelQuery(string PanelTitle, string RefId, string Expression);

/// <summary>The Grafana dashboard JSON: its panels, their queries and its template variables.</summary>
internal sealed partial class GrafanaDashboard
{
    private GrafanaDashboard(JsonObject root) => Root = root;

    public JsonObject Root { get; }

    public IEnumerable<JsonObject> Panels =>
        Root["panels"].Items().OfType<JsonObject>()
            .SelectMany(panel => new[] { panel }.Concat(panel["panels"].Items().OfType<JsonObject>()));

    public IEnumerable<PanelQuery> Queries =>
        from panel in Panels
        from target in panel["targets"].Items()
        select new PanelQuery(
            panel["title"]?.ToString() ?? "(untitled)",
            target["refId"]?.ToString() ?? "?",
            target["expr"]?.ToString() ?? "");

    public IEnumerable<JsonObject> Variables => Root["templating"]?["list"].Items().OfType<JsonObject>() ?? [];

    /// <summary>PromQL of every panel query and of every label_values() variable query.</summary>
    public IEnumerable<string> Expressions =>
        Queries.Select(query => query.Expression).Concat(Variables.Select(VariableSelector).OfType<string>());

    public static GrafanaDashboard Load(string path) =>
        new(JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidDataException($"{path} is not a JSON object."));

    /// <summary>The series selector of a query variable such as label_values(pgreach_up{...}, target).</summary>
    public static string? VariableSelector(JsonObject variable)
    {
        if (variable["type"]?.ToString() != "query")
        {
            return null;
        }

        var query = variable["query"] is JsonObject structured ? structured["query"]?.ToString() : variable["query"]?.ToString();
        var match = LabelValues().Match(query ?? "");
        return match.Success ? match.Groups["selector"].Value : query;
    }

    [GeneratedRegex(@"^\s*label_values\(\s*(?<selector>.+),\s*[A-Za-z_]\w*\s*\)\s*$")]
    private static partial Regex LabelValues();
}

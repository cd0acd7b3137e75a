using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>Reads YAML into System.Text.Json nodes (scalars as strings) so tests navigate it like JSON.</summary>
internal static class YamlFile
{
    public static JsonNode Load(string path) => Parse(File.ReadAllText(path), path);

    public static JsonNode Parse(string text, string source = "YAML text")
    {
        var stream = new YamlStream();
        using var reader = new StringReader(text);
        stream.Load(reader);
        if (stream.Documents.Count == 0)
        {
            throw new InvalidDataException($"{source} holds no YAML document.");
        }

        return Convert(stream.Documents[0].RootNode) ?? throw new InvalidDataException($"{source} is an empty document.");
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(entry =>
            KeyValuePair.Create(((YamlScalarNode)entry.Key).Value ?? "", Convert(entry.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar when IsNull(scalar) => null,
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidDataException($"Unsupported YAML node {node.NodeType} at {node.Start}."),
    };

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null";
}

/// <summary>Navigation helpers over the JSON node tree.</summary>
internal static class JsonNodeExtensions
{
    public static string Text(this JsonNode? node, string what) =>
        node?.GetValue<string>() ?? throw new InvalidDataException($"Missing {what}.");

    public static IEnumerable<JsonNode> Items(this JsonNode? node) =>
        node is JsonArray array ? array.Where(item => item is not null).Select(item => item!) : [];

    public static IEnumerable<string> Strings(this JsonNode? node) => node.Items().Select(item => item.ToString());
}

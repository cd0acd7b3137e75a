using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PgReachExporter.Configuration;

/// <summary>One target group of a discovery file as written: its place in the file, its HOST:PORT targets and its labels.</summary>
internal sealed record TargetGroup(int Index, IReadOnlyList<string> Targets, IReadOnlyList<KeyValuePair<string, string>> Labels);

/// <summary>
/// Reads Prometheus's file_sd format strictly: a list of <c>{ "targets": [...], "labels": { ... } }</c>, JSON for
/// <c>.json</c> and YAML for <c>.yml</c>/<c>.yaml</c>. Unknown keys, values of the wrong type, duplicate keys and
/// invalid label names are errors naming the file, the group's index and the field; nothing falls back to a default.
/// </summary>
internal static partial class TargetFileReader
{
    private static readonly string[] GroupFields = ["targets", "labels"];

    // Strict JSON, as Prometheus reads it: no comments, no trailing commas, no key twice.
    private static readonly JsonDocumentOptions JsonOptions = new() { AllowDuplicateProperties = false };

    /// <summary>Whether a path names a file the format covers (<c>.json</c>, <c>.yml</c>, <c>.yaml</c>).</summary>
    public static bool HasKnownExtension(string path) => IsJson(path) || IsYaml(path);

    /// <summary>Reads and parses one file; every problem goes to <paramref name="errors"/>, and the groups read before it are kept.</summary>
    public static IReadOnlyList<TargetGroup> Read(string file, List<ConfigurationError> errors)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add(new(file, null, "(file)", $"cannot be read: {ex.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)}"));
            return [];
        }

        return Parse(text, file, errors);
    }

    /// <summary>Parses a file's text; <paramref name="file"/> names it in errors and decides JSON or YAML by its extension.</summary>
    public static IReadOnlyList<TargetGroup> Parse(string text, string file, List<ConfigurationError> errors) =>
        IsJson(file) ? ParseJson(text, file, errors) : ParseYaml(text, file, errors);

    /// <summary>A Prometheus label name: ASCII letters, digits and '_', not starting with a digit.</summary>
    public static bool IsLabelName(string name) => LabelName().IsMatch(name);

    private static bool IsJson(string path) => path.EndsWith(".json", StringComparison.Ordinal);

    private static bool IsYaml(string path) => path.EndsWith(".yml", StringComparison.Ordinal) || path.EndsWith(".yaml", StringComparison.Ordinal);

    private static List<TargetGroup> ParseJson(string text, string file, List<ConfigurationError> errors)
    {
        void Fail(string field, string problem) => errors.Add(new(file, null, field, problem));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, JsonOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}" : "";
            Fail("(file)", $"is not valid JSON{where}: {FirstSentence(ex.Message)}");
            return [];
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                Fail("(file)", $"must be a list of target groups ([{{ \"targets\": [\"HOST:PORT\"], \"labels\": {{ }} }}]), not {JsonKind(document.RootElement)}");
                return [];
            }

            var groups = new List<TargetGroup>();
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                var at = $"[{index}]";
                if (element.ValueKind != JsonValueKind.Object)
                {
                    Fail(at, $"must be a target group ({{ \"targets\": [...], \"labels\": {{...}} }}), not {JsonKind(element)}");
                    index++;
                    continue;
                }

                var targets = new List<string>();
                var labels = new List<KeyValuePair<string, string>>();
                var sawTargets = false;
                foreach (var property in element.EnumerateObject())
                {
                    switch (property.Name)
                    {
                        case "targets":
                            sawTargets = true;
                            ReadJsonTargets(property.Value, $"{at}.targets", targets, Fail);
                            break;
                        case "labels":
                            ReadJsonLabels(property.Value, $"{at}.labels", labels, Fail);
                            break;
                        default:
                            Fail($"{at}.{property.Name}", $"unknown field (known: {string.Join(", ", GroupFields)})");
                            break;
                    }
                }

                if (!sawTargets)
                {
                    Fail($"{at}.targets", "is required: a list of \"HOST:PORT\" strings");
                }

                groups.Add(new TargetGroup(index, targets, labels));
                index++;
            }

            return groups;
        }
    }

    private static void ReadJsonTargets(JsonElement value, string at, List<string> targets, Action<string, string> fail)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            fail(at, $"must be a list of \"HOST:PORT\" strings, not {JsonKind(value)}");
            return;
        }

        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && item.GetString() is { } target)
            {
                targets.Add(target);
            }
            else
            {
                fail($"{at}[{i}]", $"must be a \"HOST:PORT\" string, not {JsonKind(item)}");
            }

            i++;
        }
    }

    private static void ReadJsonLabels(JsonElement value, string at, List<KeyValuePair<string, string>> labels, Action<string, string> fail)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            fail(at, $"must be an object of label names and string values, not {JsonKind(value)}");
            return;
        }

        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                AddLabel(property.Name, property.Value.GetString()!, at, labels, fail);
            }
            else
            {
                fail($"{at}.{property.Name}", $"must be a string, not {JsonKind(property.Value)}");
            }
        }
    }

    private static List<TargetGroup> ParseYaml(string text, string file, List<ConfigurationError> errors)
    {
        void Fail(string field, string problem) => errors.Add(new(file, null, field, problem));
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            var problem = (ex.InnerException as YamlException ?? ex).Message;
            Fail("(file)", $"is not valid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {problem}");
            return [];
        }

        if (stream.Documents.Count > 1)
        {
            Fail("(file)", "holds more than one YAML document");
            return [];
        }

        // An empty file has no groups, as in Prometheus.
        var root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        if (root is null || IsNull(root))
        {
            return [];
        }

        if (root is not YamlSequenceNode list)
        {
            Fail("(file)", $"must be a list of target groups (- targets: [\"HOST:PORT\"]), not {YamlKind(root)}");
            return [];
        }

        var groups = new List<TargetGroup>();
        for (var index = 0; index < list.Children.Count; index++)
        {
            var at = $"[{index}]";
            if (list.Children[index] is not YamlMappingNode map)
            {
                Fail(at, $"must be a target group (targets: [...], labels: {{...}}), not {YamlKind(list.Children[index])}");
                continue;
            }

            var targets = new List<string>();
            var labels = new List<KeyValuePair<string, string>>();
            var sawTargets = false;
            foreach (var (keyNode, value) in map.Children)
            {
                var key = keyNode is YamlScalarNode { Value: { } k } ? k : "";
                switch (key)
                {
                    case "targets":
                        sawTargets = true;
                        ReadYamlTargets(value, $"{at}.targets", targets, Fail);
                        break;
                    case "labels":
                        ReadYamlLabels(value, $"{at}.labels", labels, Fail);
                        break;
                    default:
                        Fail($"{at}.{key}", $"unknown field (known: {string.Join(", ", GroupFields)})");
                        break;
                }
            }

            if (!sawTargets)
            {
                Fail($"{at}.targets", "is required: a list of \"HOST:PORT\" strings");
            }

            groups.Add(new TargetGroup(index, targets, labels));
        }

        return groups;
    }

    private static void ReadYamlTargets(YamlNode value, string at, List<string> targets, Action<string, string> fail)
    {
        if (value is not YamlSequenceNode list)
        {
            fail(at, $"must be a list of \"HOST:PORT\" strings, not {YamlKind(value)}");
            return;
        }

        for (var i = 0; i < list.Children.Count; i++)
        {
            if (list.Children[i] is YamlScalarNode { Value: { } target } node && !IsNull(node))
            {
                targets.Add(target);
            }
            else
            {
                fail($"{at}[{i}]", $"must be a \"HOST:PORT\" string, not {YamlKind(list.Children[i])}");
            }
        }
    }

    private static void ReadYamlLabels(YamlNode value, string at, List<KeyValuePair<string, string>> labels, Action<string, string> fail)
    {
        if (IsNull(value))
        {
            return;
        }

        if (value is not YamlMappingNode map)
        {
            fail(at, $"must be a mapping of label names to string values, not {YamlKind(value)}");
            return;
        }

        foreach (var (keyNode, labelValue) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } name })
            {
                fail(at, "has a label name that is not a plain name");
                continue;
            }

            // As Prometheus's YAML reader: a plain scalar (prod, 1, true) is its text; null and nested values are not strings.
            if (labelValue is YamlScalarNode { Value: { } text } scalar && !IsNull(scalar))
            {
                AddLabel(name, text, at, labels, fail);
            }
            else
            {
                fail($"{at}.{name}", $"must be a string, not {YamlKind(labelValue)}");
            }
        }
    }

    private static void AddLabel(string name, string value, string at, List<KeyValuePair<string, string>> labels, Action<string, string> fail)
    {
        if (!IsLabelName(name))
        {
            fail($"{at}.{ConfigurationError.Printable(name, ConfigurationError.MaxEchoedLength)}",
                "is not a valid label name (ASCII letters, digits and '_', not starting with a digit)");
            return;
        }

        labels.Add(new(name, value));
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string YamlKind(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "null",
        _ => "a value",
    };

    private static string JsonKind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "this kind of value",
    };

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends its own position ("LineNumber: 0 | BytePositionInLine: 3."), already given counted from 1.
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();
}

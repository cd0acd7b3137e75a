using System.Text.Json;

namespace PgReachExporter.Configuration;

/// <summary>
/// Checks a JSON configuration file before the configuration system reads it: a syntax error is reported with its
/// line and column (counted from 1), and a key given twice is an error. The configuration system would otherwise
/// report a syntax error without a usable position and merge two sections of the same name (keys are case-insensitive)
/// silently.
/// </summary>
internal static class JsonFileShape
{
    // As the configuration system's JSON reader: comments and trailing commas are allowed.
    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Throws a <see cref="ConfigurationException"/> naming the file when it is not JSON the agent can use.</summary>
    public static void Check(string file)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Error(file, "(file)", $"cannot be read: {ex.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)}");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, Options);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $"line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}: " : "";
            throw Error(file, "(file)", $"cannot be read as JSON: {where}{WithoutPosition(ex.Message)}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Error(file, "(file)", "must be a JSON object ({ \"PgReach\": { ... } })");
            }

            var errors = new List<ConfigurationError>();
            FindDuplicates(document.RootElement, "", file, errors);
            foreach (var section in document.RootElement.EnumerateObject().Where(p => CheckedForNull.Contains(p.Name)))
            {
                FindNulls(section.Value, new NullSearch(file, null, section.Name), errors);
            }

            if (errors.Count > 0)
            {
                throw new ConfigurationException(errors);
            }
        }
    }

    // The configuration system reads null as "no value", which cannot be told from an empty section or a field left
    // out; in the agent's own sections no field is ever null, so a null is a mistake.
    private static readonly HashSet<string> CheckedForNull = new(StringComparer.OrdinalIgnoreCase) { "PgReach", "Serilog", "Urls" };

    /// <summary>Where the search is: inside a target its fields are named as the reader names them, after the target.</summary>
    private sealed record NullSearch(string File, string? Target, string Path)
    {
        public NullSearch Child(string key, JsonElement value) =>
            Target is null && Path.Equals("PgReach:Targets", StringComparison.OrdinalIgnoreCase)
                ? this with { Target = TargetLabel(key, value), Path = "" }
                : this with { Path = Path.Length == 0 ? key : $"{Path}:{key}" };

        private static string TargetLabel(string key, JsonElement target) =>
            target.ValueKind == JsonValueKind.Object
            && target.EnumerateObject().FirstOrDefault(p => p.Name.Equals("Name", StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.String } name
                ? name.Value.GetString()!
                : $"#{key}";
    }

    private static void FindNulls(JsonElement element, NullSearch at, List<ConfigurationError> errors)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                errors.Add(at.Path.Length == 0
                    // A null target has no name, so its label is "#index".
                    ? new(at.File, null, $"PgReach:Targets:{at.Target![1..]}", "is null; a target is a section")
                    : new(at.File, at.Target, at.Path, "is null; leave the field out to use its default"));
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    FindNulls(item, at.Child((index++).ToString(System.Globalization.CultureInfo.InvariantCulture), item), errors);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    FindNulls(property.Value, at.Child(property.Name, property.Value), errors);
                }

                break;
        }
    }

    private static void FindDuplicates(JsonElement element, string path, string file, List<ConfigurationError> errors)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                FindDuplicates(item, $"{path}:{index++}", file, errors);
            }

            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in element.EnumerateObject())
        {
            var field = path.Length == 0 ? property.Name : $"{path}:{property.Name}";
            if (!seen.Add(property.Name))
            {
                errors.Add(new(file, null, field, "is given more than once (keys are case-insensitive); keep one"));
            }

            FindDuplicates(property.Value, field, file, errors);
        }
    }

    // System.Text.Json appends "Path: $ | LineNumber: 2 | BytePositionInLine: 16." counted from 0; the position is given above instead.
    private static string WithoutPosition(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        cut = cut >= 0 ? cut : message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut >= 0 ? message[..cut] : message;
    }

    private static ConfigurationException Error(string file, string field, string problem) => new([new(file, null, field, problem)]);
}

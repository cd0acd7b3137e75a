using System.Text.Json;
using PgReachExporter.Hba;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PgReachExporter.Cli;

/// <summary>
/// The --expect file of lint-hba: a JSON or YAML list of clients (or an object whose "clients" key holds the list),
/// each with name, address (an IP or CIDR; omitted for local), database, user, type (default host) and optionally
/// replication (true for a physical replication connection).
/// </summary>
/// <remarks>YAML is read with YamlDotNet's node model, not its reflection-based deserializer, so the native build stays reflection-free.</remarks>
internal static class LintHbaClientsReader
{
    private static readonly HashSet<string> Keys = new(StringComparer.Ordinal) { "name", "address", "database", "user", "type", "replication" };

    /// <summary>The clients, or null with one line saying what is wrong.</summary>
    public static IReadOnlyList<HbaClient>? Read(string text, string fileName, out string? problem)
    {
        List<Dictionary<string, string?>>? entries;
        try
        {
            var json = fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith('[') || text.TrimStart().StartsWith('{');
            entries = json ? FromJson(text, out problem) : FromYaml(text, out problem);
        }
        catch (JsonException ex)
        {
            problem = $"not valid JSON: {ex.Message}";
            return null;
        }
        catch (YamlException ex)
        {
            problem = $"not valid YAML: {ex.Message}";
            return null;
        }

        return entries is null ? null : ToClients(entries, out problem);
    }

    private static List<Dictionary<string, string?>>? FromJson(string text, out string? problem)
    {
        problem = null;
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("clients", out var inner))
            root = inner;
        if (root.ValueKind != JsonValueKind.Array)
        {
            problem = "expected a list of clients (or an object with a \"clients\" list)";
            return null;
        }

        var entries = new List<Dictionary<string, string?>>();
        foreach (var item in root.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                problem = $"client {entries.Count + 1}: expected an object";
                return null;
            }

            var entry = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var property in item.EnumerateObject())
            {
                entry[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => property.Value.GetRawText(),
                };
            }

            entries.Add(entry);
        }

        return entries;
    }

    private static List<Dictionary<string, string?>>? FromYaml(string text, out string? problem)
    {
        problem = null;
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        if (stream.Documents.Count == 0)
            return [];
        var root = stream.Documents[0].RootNode;
        if (root is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode("clients"), out var inner))
            root = inner;
        if (root is not YamlSequenceNode sequence)
        {
            problem = "expected a list of clients (or a mapping with a \"clients\" list)";
            return null;
        }

        var entries = new List<Dictionary<string, string?>>();
        foreach (var item in sequence)
        {
            if (item is not YamlMappingNode mapping)
            {
                problem = $"client {entries.Count + 1}: expected a mapping";
                return null;
            }

            var entry = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (key, value) in mapping.Children)
            {
                if (key is not YamlScalarNode { Value: { } name } || value is not YamlScalarNode scalar)
                {
                    problem = $"client {entries.Count + 1}: every field must be a plain value";
                    return null;
                }

                entry[name] = scalar.Value is "~" or "null" && scalar.Style == YamlDotNet.Core.ScalarStyle.Plain ? null : scalar.Value;
            }

            entries.Add(entry);
        }

        return entries;
    }

    private static List<HbaClient>? ToClients(List<Dictionary<string, string?>> entries, out string? problem)
    {
        problem = null;
        var clients = new List<HbaClient>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var where = $"client {clients.Count + 1}";
            if (entry.Keys.FirstOrDefault(k => !Keys.Contains(k)) is { } unknown)
            {
                problem = $"{where}: unknown field \"{unknown}\" (known: name, address, database, user, type, replication)";
                return null;
            }

            string? Field(string key) => entry.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value) ? value : null;
            var name = Field("name");
            if (name is null || !names.Add(name))
            {
                problem = name is null ? $"{where}: missing name" : $"{where}: name \"{name}\" is used twice";
                return null;
            }

            where = $"client \"{name}\"";
            var typeText = Field("type") ?? "host";
            if (!HbaConnectionTypes.TryParse(typeText, out var type))
            {
                problem = $"{where}: type \"{typeText}\" is not local, host, hostssl, hostnossl, hostgssenc or hostnogssenc";
                return null;
            }

            var address = Field("address");
            if (type == HbaConnectionType.Local && address is not null)
            {
                problem = $"{where}: a local client has no address";
                return null;
            }

            if (type != HbaConnectionType.Local && (address is null || !IpNetwork.TryParseClient(address, out _)))
            {
                problem = address is null ? $"{where}: missing address (an IP address)" : $"{where}: address \"{address}\" is not an IP address or CIDR";
                return null;
            }

            var replication = Field("replication") switch
            {
                null or "false" => false,
                "true" => true,
                var other => (bool?)null,
            };
            if (replication is null)
            {
                problem = $"{where}: replication must be true or false";
                return null;
            }

            var database = Field("database") ?? (replication.Value ? "replication" : null);
            if (database is null || Field("user") is not { } user)
            {
                problem = $"{where}: missing {(database is null ? "database" : "user")}";
                return null;
            }

            clients.Add(new HbaClient(name, address, database, user, type, replication.Value));
        }

        return clients;
    }
}

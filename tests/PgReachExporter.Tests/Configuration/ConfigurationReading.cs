using Microsoft.Extensions.Configuration;
using PgReachExporter.Configuration;

namespace PgReachExporter.Tests.Configuration;

/// <summary>Reads agent settings from JSON text the way the agent reads its --config file: from a file, through the same sources.</summary>
internal static class ConfigurationReading
{
    public static readonly LibpqEnvironment NoEnvironment = new(new Dictionary<string, string?>());

    /// <summary>The configuration from JSON text alone, without the file checks (what other sources look like once flattened).</summary>
    public static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();

    /// <summary>Reads the JSON as a --config file named targets.json, with both the file's checks and the reader's.</summary>
    public static AgentSettings Read(string json, LibpqEnvironment? environment = null) =>
        WithFile(json, sources => sources.ReadSettings(environment ?? NoEnvironment));

    /// <summary>As the agent reads the file at start-up: its targets and its own log levels.</summary>
    public static (AgentSettings Settings, LogLevelSettings LogLevels) ReadStartup(string json) =>
        WithFile(json, sources => sources.ReadStartup(NoEnvironment));

    private static T WithFile<T>(string json, Func<AgentConfigurationSources, T> read)
    {
        var directory = Directory.CreateTempSubdirectory("pgreach-read-").FullName;
        try
        {
            var file = Path.Combine(directory, "targets.json");
            File.WriteAllText(file, json);
            return read(new AgentConfigurationSources(directory, "Production", file, []));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The single target of <c>{ "PgReach": { "Targets": [ { "Name": "a", FIELDS } ] } }</c>.</summary>
    public static string Target(string fields) => $$"""{ "PgReach": { "Targets": [ { "Name": "a", {{fields}} } ] } }""";

    /// <summary>The error message, asserting that it is one line.</summary>
    public static string ErrorOf(string json, LibpqEnvironment? environment = null)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Read(json, environment));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain('\r', ex.Message);
        return ex.Message;
    }
}

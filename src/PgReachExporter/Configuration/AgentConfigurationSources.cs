using Microsoft.Extensions.Configuration;

namespace PgReachExporter.Configuration;

/// <summary>
/// Builds the configuration the agent reads its targets from: appsettings.json, appsettings.{Environment}.json,
/// the optional --config file, environment variables and the command line, later sources winning.
/// Built the same way at start-up and on every reload, so a reload sees exactly what a restart would.
/// </summary>
internal sealed record AgentConfigurationSources(string ContentRoot, string EnvironmentName, string? ConfigFile, string[] Args)
{
    /// <summary>The file given with --config, made absolute against the directory the user ran the command from, or null.</summary>
    public static string? ConfigFileFrom(IConfiguration configuration)
    {
        var file = configuration["config"];
        return string.IsNullOrWhiteSpace(file) ? null : UserPath.Resolve(file);
    }

    /// <summary>This agent's share of the targets (--shard, PGREACH_SHARD), taken after the whole set is validated.</summary>
    public ShardSelection Shard { get; init; } = ShardSelection.None;

    /// <summary>What relative TargetFiles patterns are taken from: the --config file's directory, else the current directory.</summary>
    public string BaseDirectory => ConfigFile is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(ConfigFile)!;

    /// <summary>Where the targets come from, for messages: the --config file when there is one.</summary>
    public string Description => ConfigFile ?? "configuration";

    /// <summary>Builds the configuration; a missing or malformed --config file is a configuration error naming the file.</summary>
    public IConfigurationRoot Build()
    {
        var builder = new ConfigurationBuilder().SetBasePath(ContentRoot);
        foreach (var name in new[] { "appsettings.json", $"appsettings.{EnvironmentName}.json" })
        {
            var file = Path.Combine(ContentRoot, name);
            if (File.Exists(file))
            {
                JsonFileShape.Check(file);
            }

            builder.AddIndexedJsonFile(name, optional: true);
        }

        if (ConfigFile is not null)
        {
            if (Directory.Exists(ConfigFile))
            {
                throw new ConfigurationException([new(ConfigFile, null, "--config", "is a directory; give the JSON file in it")]);
            }

            if (!File.Exists(ConfigFile))
            {
                throw new ConfigurationException([new(ConfigFile, null, "--config", "file does not exist")]);
            }

            JsonFileShape.Check(ConfigFile);
            builder.AddIndexedJsonFile(ConfigFile, optional: false);
        }

        try
        {
            return builder.AddEnvironmentVariables().AddCommandLine(Args).Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            var detail = ex.InnerException?.Message ?? ex.Message;
            throw new ConfigurationException([new(ConfigFile ?? "appsettings.json", null, "(file)", $"cannot be read as JSON: {detail}")]);
        }
    }

    /// <summary>
    /// What start-up needs: the agent settings and its own log levels, from one freshly built configuration. Every
    /// problem in either is reported together.
    /// </summary>
    public (AgentSettings Settings, LogLevelSettings LogLevels) ReadStartup(LibpqEnvironment environment)
    {
        var configuration = Build();
        var errors = new List<ConfigurationError>();
        var settings = Collect(() => Shard.Apply(AgentSettingsReader.Read(configuration, Description, environment, BaseDirectory)), errors);
        var levels = Collect(() => LogLevelSettings.Read(configuration, Description), errors);
        return errors.Count == 0 ? (settings!, levels!) : throw new ConfigurationException(errors);
    }

    private static T? Collect<T>(Func<T> read, List<ConfigurationError> errors)
        where T : class
    {
        try
        {
            return read();
        }
        catch (ConfigurationException ex)
        {
            errors.AddRange(ex.Errors);
            return null;
        }
    }

    /// <summary>Reads and validates the agent settings from a freshly built configuration.</summary>
    public AgentSettings ReadSettings(LibpqEnvironment environment) =>
        Shard.Apply(AgentSettingsReader.Read(Build(), Description, environment, BaseDirectory));
}

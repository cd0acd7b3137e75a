using System.Collections.Immutable;
using Microsoft.Extensions.Configuration;
using Serilog.Events;

namespace PgReachExporter.Configuration;

/// <summary>
/// The agent's own log levels, from the conventional <c>Serilog:MinimumLevel</c> keys: a level
/// (<c>"Serilog": { "MinimumLevel": "Debug" }</c>), or <c>Default</c> plus <c>Override</c> per source
/// (<c>"Override": { "Npgsql": "Information" }</c>). Read here rather than by Serilog's reflection-based
/// configuration reader, which a native (AOT) build cannot use. Sinks and formats are the agent's own
/// (<c>PgReach:LogFormat</c>).
/// </summary>
internal sealed record LogLevelSettings(LogEventLevel Default, ImmutableDictionary<string, LogEventLevel> Overrides)
{
    public const string Section = "Serilog:MinimumLevel";

    /// <summary>Quiet by default: the framework's request and lifetime chatter, and Npgsql's own logging.</summary>
    public static LogLevelSettings Defaults { get; } = new(LogEventLevel.Information, ImmutableDictionary.CreateRange(StringComparer.Ordinal,
    [
        KeyValuePair.Create("Microsoft.AspNetCore", LogEventLevel.Warning),
        KeyValuePair.Create("Microsoft.Extensions.Hosting", LogEventLevel.Warning),
        KeyValuePair.Create("Npgsql", LogEventLevel.Warning),
    ]));

    /// <summary>The defaults with what the configuration sets; throws <see cref="ConfigurationException"/> naming every bad key.</summary>
    public static LogLevelSettings Read(IConfiguration configuration, string source)
    {
        var section = configuration.GetSection(Section);
        var errors = new List<ConfigurationError>();
        foreach (var other in configuration.GetSection("Serilog").GetChildren().Where(c => !string.Equals(c.Key, "MinimumLevel", StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add(new(source, null, $"Serilog:{other.Key}", "not read by the agent: only Serilog:MinimumLevel is (the output format is PgReach:LogFormat)"));
        }

        var result = Defaults;
        if (section.Value is { } single)
        {
            result = result with { Default = Parse(single, Section, source, errors) };
        }

        foreach (var child in section.GetChildren())
        {
            if (string.Equals(child.Key, "Default", StringComparison.OrdinalIgnoreCase) && child.Value is { } level)
            {
                result = result with { Default = Parse(level, $"{Section}:{child.Key}", source, errors) };
            }
            else if (string.Equals(child.Key, "Override", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var entry in child.GetChildren())
                {
                    var field = $"{Section}:Override:{entry.Key}";
                    result = result with { Overrides = result.Overrides.SetItem(entry.Key, Parse(entry.Value ?? "", field, source, errors)) };
                }
            }
            else
            {
                errors.Add(new(source, null, $"{Section}:{child.Key}", "unknown field (known: Default, Override)"));
            }
        }

        return errors.Count == 0 ? result : throw new ConfigurationException(errors);
    }

    private static LogEventLevel Parse(string value, string field, string source, List<ConfigurationError> errors)
    {
        if (Enum.TryParse<LogEventLevel>(value, ignoreCase: true, out var level) && Enum.IsDefined(level) && !int.TryParse(value, out _))
        {
            return level;
        }

        errors.Add(new(source, null, field, $"'{value}' is not a log level (use {string.Join(", ", Enum.GetNames<LogEventLevel>())})"));
        return LogEventLevel.Information;
    }
}

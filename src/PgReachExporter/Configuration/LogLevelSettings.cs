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

    /// <summary>The only field of the Serilog section the agent reads: the command line's <c>--Serilog:KEY</c> accepts it.</summary>
    public const string MinimumLevelField = "MinimumLevel";

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
        var errors = new List<ConfigurationError>();
        void Fail(string field, string problem) => errors.Add(new(source, null, field, problem));
        var result = Defaults;
        var serilog = new SectionFields(configuration, (_, problem) => Fail("Serilog", problem))
            .Section("Serilog", "a section ({ \"MinimumLevel\": ... })");
        var serilogFields = new SectionFields(serilog ?? configuration.GetSection("Serilog"), (field, problem) => Fail($"Serilog:{field}", problem));
        foreach (var other in serilogFields.Keys.Where(k => !string.Equals(k, MinimumLevelField, StringComparison.OrdinalIgnoreCase)))
        {
            Fail($"Serilog:{other}", "not read by the agent: only Serilog:MinimumLevel is (the output format is PgReach:LogFormat)");
        }

        if (serilogFields.Raw(MinimumLevelField) is not { } section)
        {
            return errors.Count == 0 ? result : throw new ConfigurationException(errors);
        }

        if (section.Value is not null)
        {
            if (serilogFields.Scalar(MinimumLevelField) is { } single)
            {
                result = result with { Default = Parse(single, Section, source, errors) };
            }

            return errors.Count == 0 ? result : throw new ConfigurationException(errors);
        }

        var levelFields = new SectionFields(section, (field, problem) => Fail($"{Section}:{field}", problem));
        foreach (var key in levelFields.Keys)
        {
            if (string.Equals(key, "Default", StringComparison.OrdinalIgnoreCase))
            {
                if (levelFields.Scalar(key) is { } level)
                {
                    result = result with { Default = Parse(level, $"{Section}:{key}", source, errors) };
                }
            }
            else if (string.Equals(key, "Override", StringComparison.OrdinalIgnoreCase))
            {
                var overrides = levelFields.Section(key, "a section of sources and levels ({ \"Npgsql\": \"Warning\" })");
                var entries = overrides is null ? null : new SectionFields(overrides, (field, problem) => Fail($"{Section}:Override:{field}", problem));
                foreach (var entry in entries?.Keys ?? [])
                {
                    if (entries!.Scalar(entry) is { } level)
                    {
                        result = result with { Overrides = result.Overrides.SetItem(entry, Parse(level, $"{Section}:Override:{entry}", source, errors)) };
                    }
                }
            }
            else
            {
                Fail($"{Section}:{key}", "unknown field (known: Default, Override)");
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

        errors.Add(new(source, null, field, $"{ConfigurationError.Quote(value)} is not a log level (use {string.Join(", ", Enum.GetNames<LogEventLevel>())})"));
        return LogEventLevel.Information;
    }
}

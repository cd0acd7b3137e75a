using System.Collections.Immutable;

namespace PgReachExporter.Configuration;

/// <summary>The agent's validated settings: the targets and the agent-wide defaults.</summary>
internal sealed record AgentSettings
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);
    public const int DefaultPort = 5432;
    public const string DefaultTargetName = "default";

    public required ImmutableArray<TargetDefinition> Targets { get; init; }

    /// <summary>True when no target was configured and the one target comes from the libpq environment.</summary>
    public bool UsesEnvironmentTarget { get; init; }

    /// <summary>PgReach:Web:ConfigFile (absolute), read at start; --web.config.file wins over it.</summary>
    public string? WebConfigFile { get; init; }

    /// <summary>The /probe modules by name; /probe is off (404) while there are none.</summary>
    public ImmutableDictionary<string, ProbeModule> Modules { get; init; } = ImmutableDictionary<string, ProbeModule>.Empty;

    /// <summary>How /probe answers: timeout offset and concurrency.</summary>
    public ProbeSettings Probe { get; init; } = ProbeSettings.Default;

    /// <summary>Where the settings were read from, for messages.</summary>
    public required string Source { get; init; }
}

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

    /// <summary>PgReach:TargetFiles: the discovery files whose targets are in <see cref="Targets"/> too; their directories are watched.</summary>
    public ImmutableArray<TargetFileSource> TargetFiles { get; init; } = [];

    /// <summary>PgReach:TargetInfoLabels: the label names pgreach_target_info carries; none: no such family.</summary>
    public ImmutableArray<string> TargetInfoLabels { get; init; } = [];

    /// <summary>Per target name, the values of <see cref="TargetInfoLabels"/> in that order ("" where a target has no such label).</summary>
    public ImmutableDictionary<string, ImmutableArray<string>> TargetInfo { get; init; } = ImmutableDictionary<string, ImmutableArray<string>>.Empty;

    /// <summary>Which share of the configured targets this agent probes; <see cref="Targets"/> holds only that share.</summary>
    public ShardSelection Shard { get; init; } = ShardSelection.None;

    /// <summary>Targets in the configuration before the shard took its share (all of them when there is one shard).</summary>
    public int ConfiguredTargetCount
    {
        get => _configuredTargetCount ?? Targets.Length;
        init => _configuredTargetCount = value;
    }

    private readonly int? _configuredTargetCount;

    /// <summary>PgReach:SeriesProfile: which per-target families are exported; read at start.</summary>
    public SeriesProfile SeriesProfile { get; init; } = SeriesProfile.Full;

    /// <summary>Where the settings were read from, for messages.</summary>
    public required string Source { get; init; }
}

using System.Globalization;

namespace PgReachExporter.Configuration;

/// <summary>
/// Which share of the configured targets this agent probes: shard <see cref="Index"/> of <see cref="Count"/>, by
/// rendezvous hashing of the target names (<see cref="RendezvousHash"/>). Given as <c>--shard I/N</c> or
/// <c>PGREACH_SHARD=I/N</c>; <c>auto/N</c> takes I from the host name's <c>-ORDINAL</c> suffix, as a StatefulSet's pods
/// are named. Applied after the whole target set is read and validated, so every replica validates the same set.
/// </summary>
internal sealed record ShardSelection(int Index, int Count)
{
    /// <summary>One shard: every target.</summary>
    public static readonly ShardSelection None = new(0, 1);

    public const int MaxCount = 1000;
    public const string OptionName = "--shard";
    public const string ConfigurationKey = "shard";
    public const string EnvironmentVariable = "PGREACH_SHARD";
    private const string Auto = "auto";

    public bool IsSharded => Count > 1;

    /// <summary>"I/N", as the option is written and the status page shows it.</summary>
    public override string ToString() => $"{Index}/{Count}";

    public bool Keeps(string targetName) => !IsSharded || RendezvousHash.ShardOf(targetName, Count) == Index;

    /// <summary>The settings with only this shard's targets (and the configured count kept for pgreach_configured_targets).</summary>
    public AgentSettings Apply(AgentSettings settings) => settings with
    {
        Targets = IsSharded ? [.. settings.Targets.Where(t => Keeps(t.Name))] : settings.Targets,
        ConfiguredTargetCount = settings.Targets.Length,
        Shard = this,
    };

    /// <summary>
    /// The shard from the command line (<paramref name="option"/>, the value of --shard), else from PGREACH_SHARD, else
    /// <see cref="None"/>; a value that is not I/N or auto/N throws a <see cref="ConfigurationException"/> naming where it came from.
    /// </summary>
    public static ShardSelection Resolve(string? option, Func<string, string?> environment, string hostName)
    {
        var (text, source, field) = option is not null
            ? (option, "command line", OptionName)
            : (environment(EnvironmentVariable), "environment", EnvironmentVariable);
        if (text is null)
        {
            return None;
        }

        return Parse(text, hostName, out var problem) ?? throw new ConfigurationException([new(source, null, field, problem!)]);
    }

    /// <summary>Parses "I/N" or "auto/N"; null with the problem otherwise.</summary>
    public static ShardSelection? Parse(string text, string hostName, out string? problem)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            problem = $"{ConfigurationError.Quote(text)} is not I/N (this agent's shard I from 0 to N-1, of N shards) or auto/N";
            return null;
        }

        var indexText = text[..slash].Trim();
        var countText = text[(slash + 1)..].Trim();
        if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > MaxCount)
        {
            problem = $"{ConfigurationError.Quote(text)} has a shard count that is not a whole number from 1 to {MaxCount}";
            return null;
        }

        int index;
        if (string.Equals(indexText, Auto, StringComparison.OrdinalIgnoreCase))
        {
            var dash = hostName.LastIndexOf('-');
            var ordinal = dash < 0 ? "" : hostName[(dash + 1)..];
            if (!int.TryParse(ordinal, NumberStyles.None, CultureInfo.InvariantCulture, out index))
            {
                problem = $"{ConfigurationError.Quote(text)} takes the shard from the host name's -ORDINAL suffix (a StatefulSet's pod name, e.g. pgreach-2), but the host name {ConfigurationError.Quote(hostName)} has none";
                return null;
            }

            if (index >= count)
            {
                problem = $"{ConfigurationError.Quote(text)}: the pod ordinal {index} (host name {ConfigurationError.Quote(hostName)}) is not below the shard count {count}; make N the StatefulSet's replicas";
                return null;
            }
        }
        else if (!int.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out index) || index >= count)
        {
            problem = $"{ConfigurationError.Quote(text)} has a shard that is not a whole number from 0 to {count - 1} (shards are numbered from 0)";
            return null;
        }

        problem = null;
        return new ShardSelection(index, count);
    }
}

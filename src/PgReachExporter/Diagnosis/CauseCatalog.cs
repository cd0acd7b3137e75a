using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using PgReachExporter.Configuration;

namespace PgReachExporter.Diagnosis;

/// <summary>What is known about a cause: its label, its layer, the verdict in words and the next step.</summary>
internal sealed record CauseInfo(DiagnosisCause Cause, string Label, DiagnosisLayer Layer, string Title, string NextStep);

/// <summary>Looks causes up (<see cref="DiagnosisCause"/> defines them) and fills their texts for a target.</summary>
internal static class CauseCatalog
{
    /// <summary>Every cause, in rank order.</summary>
    public static IReadOnlyList<CauseInfo> All { get; } = [.. DiagnosisCause.All.Select(c => c.Info())];

    public static CauseInfo Info(this DiagnosisCause cause) => new(cause, cause.Label, cause.Layer, cause.Title, cause.NextStep);

    // The texts of a cause filled for a target, kept with the target's definition (and gone with it): every cycle of
    // every target builds its findings, and these never change for one definition.
    private static readonly ConditionalWeakTable<TargetDefinition, ConcurrentDictionary<DiagnosisCause, (string Title, string NextStep)>> Filled = new();

    /// <summary>The cause's title and next step filled for the target (<see cref="Fill"/>), computed once per target definition and cause.</summary>
    public static (string Title, string NextStep) Texts(DiagnosisCause cause, TargetDefinition target) =>
        Filled.GetValue(target, static _ => new())
            .GetOrAdd(cause, static (cause, target) => (Fill(cause.Title, target), Fill(cause.NextStep, target)), target);

    /// <summary>Replaces {host}, {port}, {user}, {database} and {endpoint} with the target's values (never its password).</summary>
    public static string Fill(string template, TargetDefinition target) => template
        .Replace("{host}", target.Host, StringComparison.Ordinal)
        .Replace("{port}", target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{user}", target.Username, StringComparison.Ordinal)
        .Replace("{database}", target.Database, StringComparison.Ordinal)
        .Replace("{endpoint}", target.Endpoint, StringComparison.Ordinal);
}

using System.Collections.Immutable;
using PgReachExporter.Configuration;

namespace PgReachExporter.Diagnosis;

/// <summary>Collects findings while the rules run: one per cause, the most severe severity wins, evidence merged in order.</summary>
internal sealed class FindingSet
{
    private readonly Dictionary<DiagnosisCause, (Severity Severity, List<string> Evidence)> _found = [];

    public bool IsEmpty => _found.Count == 0;

    public bool Has(DiagnosisCause cause) => _found.ContainsKey(cause);

    public bool AnyIn(params ReadOnlySpan<DiagnosisLayer> layers)
    {
        foreach (var cause in _found.Keys)
        {
            if (layers.Contains(cause.Layer))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a critical finding of the layer is already there.</summary>
    public bool AnyCritical(DiagnosisLayer layer) => _found.Any(f => f.Key.Layer == layer && f.Value.Severity == Severity.Critical);

    public void Add(DiagnosisCause cause, Severity severity, params IEnumerable<string> evidence)
    {
        if (!_found.TryGetValue(cause, out var entry))
        {
            entry = (severity, []);
        }

        foreach (var fact in evidence.Where(f => !entry.Evidence.Contains(f, StringComparer.Ordinal)))
        {
            entry.Evidence.Add(fact);
        }

        _found[cause] = (severity < entry.Severity ? severity : entry.Severity, entry.Evidence);
    }

    /// <summary>The findings in their fixed order: layer, then severity, then the cause's declaration order.</summary>
    public ImmutableArray<Finding> Build(TargetDefinition target) =>
    [
        .. _found
            .Select(f => new Finding(f.Key.Layer, f.Key, f.Value.Severity, CauseCatalog.Fill(f.Key.Title, target),
                [.. f.Value.Evidence], CauseCatalog.Fill(f.Key.NextStep, target)))
            .OrderBy(f => f.Layer).ThenBy(f => f.Severity).ThenBy(f => f.Cause),
    ];
}

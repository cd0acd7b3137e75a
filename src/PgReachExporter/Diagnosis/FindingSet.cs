using System.Collections.Immutable;
using System.Runtime.InteropServices;
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
    public bool AnyCritical(DiagnosisLayer layer)
    {
        foreach (var (cause, entry) in _found)
        {
            if (cause.Layer == layer && entry.Severity == Severity.Critical)
            {
                return true;
            }
        }

        return false;
    }

    public void Add(DiagnosisCause cause, Severity severity, params IEnumerable<string> evidence)
    {
        if (!_found.TryGetValue(cause, out var entry))
        {
            entry = (severity, []);
        }

        foreach (var fact in evidence)
        {
            if (!entry.Evidence.Contains(fact, StringComparer.Ordinal))
            {
                entry.Evidence.Add(fact);
            }
        }

        _found[cause] = (severity < entry.Severity ? severity : entry.Severity, entry.Evidence);
    }

    /// <summary>The findings in their fixed order: layer, then severity, then the cause's declaration order.</summary>
    public ImmutableArray<Finding> Build(TargetDefinition target)
    {
        var findings = new Finding[_found.Count];
        var next = 0;
        foreach (var (cause, (severity, evidence)) in _found)
        {
            var (title, nextStep) = CauseCatalog.Texts(cause, target);
            findings[next++] = new Finding(cause.Layer, cause, severity, title, [.. evidence], nextStep);
        }

        // Every cause appears once, so this order is total.
        Array.Sort(findings, static (a, b) =>
            a.Layer != b.Layer ? ((int)a.Layer).CompareTo((int)b.Layer)
            : a.Severity != b.Severity ? ((int)a.Severity).CompareTo((int)b.Severity)
            : a.Cause.CompareTo(b.Cause));
        return ImmutableCollectionsMarshal.AsImmutableArray(findings);
    }
}

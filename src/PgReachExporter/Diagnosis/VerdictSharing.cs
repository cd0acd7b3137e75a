using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace PgReachExporter.Diagnosis;

/// <summary>
/// A verdict that holds what the next one of the same target repeats by the previous one's objects. A target's
/// verdict is kept for a whole interval, so its objects reach the oldest generation of the heap before the next
/// replaces them; sharing the unchanged parts (the layer lines, the summary, findings with the same evidence) leaves
/// the new copies as short-lived garbage instead, and the collector marks and sweeps the old generation less often.
/// The value is the next verdict's in every part: only which instances hold it differs.
/// </summary>
internal static class VerdictSharing
{
    public static Verdict Share(Verdict? previous, Verdict next)
    {
        if (previous is null)
        {
            return next;
        }

        var layers = SameLayers(previous.Layers, next.Layers) ? previous.Layers : next.Layers;
        var findings = SharedFindings(previous.Findings, next.Findings);
        var summary = string.Equals(previous.Summary, next.Summary, StringComparison.Ordinal) ? previous.Summary : next.Summary;
        return layers == next.Layers && findings == next.Findings && ReferenceEquals(summary, next.Summary)
            ? next
            : next with { Layers = layers, Findings = findings, Summary = summary };
    }

    private static bool SameLayers(ImmutableArray<LayerReport> previous, ImmutableArray<LayerReport> next)
    {
        if (previous.Length != next.Length)
        {
            return false;
        }

        for (var i = 0; i < next.Length; i++)
        {
            if (previous[i] != next[i])
            {
                return false;
            }
        }

        return true;
    }

    private static ImmutableArray<Finding> SharedFindings(ImmutableArray<Finding> previous, ImmutableArray<Finding> next)
    {
        if (previous.Length != next.Length)
        {
            return next;
        }

        Finding[]? shared = null;
        var all = true;
        for (var i = 0; i < next.Length; i++)
        {
            if (SameFinding(previous[i], next[i]))
            {
                (shared ??= [.. next])[i] = previous[i];
            }
            else
            {
                all = false;
            }
        }

        // The array is this method's own: wrapped, not copied again.
        return all ? previous : shared is null ? next : ImmutableCollectionsMarshal.AsImmutableArray(shared);
    }

    private static bool SameFinding(Finding a, Finding b) =>
        a.Cause == b.Cause && a.Layer == b.Layer && a.Severity == b.Severity
        && string.Equals(a.Title, b.Title, StringComparison.Ordinal)
        && string.Equals(a.NextStep, b.NextStep, StringComparison.Ordinal)
        && a.Evidence.SequenceEqual(b.Evidence, StringComparer.Ordinal);
}

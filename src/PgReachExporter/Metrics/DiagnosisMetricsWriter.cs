using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Metrics;

/// <summary>
/// Writes verdicts into pgreach_diagnosis (one series per active cause, value 1) and pgreach_diagnosis_changes_total.
/// A cause that clears loses its series rather than dropping to 0, so the family lists exactly the active causes.
/// </summary>
internal sealed class DiagnosisMetricsWriter(ReachMetrics metrics) : IVerdictSink
{
    public void TargetAdded(TargetDefinition target) => metrics.DiagnosisChanges?.WithLabels(target.Name).Inc(0);

    public void VerdictUpdated(TargetDiagnosis current, Verdict? previous, bool changed)
    {
        var name = current.Target.Name;
        var verdict = current.Verdict!;
        if (previous is not null)
        {
            foreach (var cleared in previous.Findings.Where(p => !verdict.Findings.Any(f => f.Cause == p.Cause)))
            {
                metrics.Diagnosis.RemoveLabelled(name, cleared.Layer.Label(), cleared.Cause.Label);
            }
        }

        foreach (var finding in verdict.Findings)
        {
            metrics.Diagnosis.WithLabels(name, finding.Layer.Label(), finding.Cause.Label).Set(1);
        }

        if (changed)
        {
            metrics.DiagnosisChanges?.WithLabels(name).Inc();
        }
    }

    public void TargetRemoved(string target)
    {
        metrics.Diagnosis.RemoveTarget(target);
        metrics.DiagnosisChanges?.RemoveLabelled(target);
    }
}

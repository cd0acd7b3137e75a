using PgReachExporter.Configuration;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.Diagnosis;

/// <summary>Everything the engine reasons from: the target, its latest probe cycle, and whatever else is known.</summary>
/// <param name="Target">The target as configured (the engine never reads its password).</param>
/// <param name="Cycle">The latest completed probe cycle.</param>
/// <param name="Server">Evidence from a monitoring connection; null when there is none.</param>
/// <param name="Host">Evidence from the server's host; null when there is none.</param>
/// <param name="Expectations">What the target is expected to be; null for <see cref="TargetExpectations.None"/>.</param>
internal sealed record DiagnosisInput(
    TargetDefinition Target,
    TargetCycle Cycle,
    ServerEvidence? Server = null,
    HostEvidence? Host = null,
    TargetExpectations? Expectations = null)
{
    public static readonly TimeSpan MinimumEvidenceAge = TimeSpan.FromMinutes(1);

    /// <summary>Server or host evidence collected longer than this before the cycle started is ignored; null: 3 intervals, at least a minute.</summary>
    public TimeSpan? MaxEvidenceAge { get; init; }

    internal TimeSpan EffectiveMaxEvidenceAge =>
        MaxEvidenceAge ?? TimeSpan.FromTicks(Math.Max(MinimumEvidenceAge.Ticks, Target.Interval.Ticks * 3));
}

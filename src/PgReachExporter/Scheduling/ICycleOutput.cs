using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;

namespace PgReachExporter.Scheduling;

/// <summary>The last stage of the pipeline: receives every completed cycle and the comings and goings of targets.</summary>
/// <remarks>Must be fast. A throwing output is logged and counted by the pipeline and never keeps the next one from running.</remarks>
internal interface ICycleOutput
{
    void TargetAdded(TargetDefinition target);

    void CycleCompleted(CycleRecord record);

    /// <summary>The target's loop failed and is being restarted; most outputs have nothing to say about it.</summary>
    void LoopFailed(string target, string problem)
    {
    }

    void TargetRemoved(string target);
}

/// <summary>One cycle of one target after the pipeline: what was gathered and the verdict drawn from it.</summary>
/// <param name="Target">The target as configured.</param>
/// <param name="Cycle">The probes' observations.</param>
/// <param name="Host">What the host showed (server log, socket table); null when it shows nothing for the target or its stage failed.</param>
/// <param name="Verdict">The verdict; null only when the verdict stage failed.</param>
internal sealed record CycleRecord(TargetDefinition Target, TargetCycle Cycle, HostObservation? Host, Verdict? Verdict);

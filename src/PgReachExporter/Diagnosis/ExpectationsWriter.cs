using PgReachExporter.Configuration;
using PgReachExporter.Observations;
using PgReachExporter.Probes;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Diagnosis;

/// <summary>Stores each target's configured expectations (Expect) for the diagnosis when its probing starts.</summary>
/// <remarks>A target that changes is removed (which clears its evidence) and added again, so this runs after every change.</remarks>
internal sealed class ExpectationsWriter(EvidenceStore store) : ICycleSink
{
    public void TargetAdded(TargetDefinition target) => store.SetExpectations(target.Name, From(target.Expect));

    public void CycleCompleted(TargetDefinition target, TargetCycle cycle)
    {
    }

    public void TargetRemoved(string target)
    {
    }

    public static TargetExpectations? From(ExpectedIdentity expect) => expect.IsEmpty
        ? null
        : new TargetExpectations { Port = expect.Port, VersionMajor = expect.VersionMajor, SystemIdentifier = expect.SystemIdentifier };
}

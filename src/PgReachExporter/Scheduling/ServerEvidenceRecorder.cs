using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;

namespace PgReachExporter.Scheduling;

/// <summary>Keeps each target's latest server evidence for the pipeline's server stage; a target that leaves takes its evidence along.</summary>
internal sealed class ServerEvidenceRecorder(ServerEvidenceStore store) : IServerViewSink
{
    public void TargetAdded(TargetDefinition target)
    {
    }

    public void ViewCompleted(TargetDefinition target, ServerView view) => store.Update(target.Name, ServerEvidenceMapper.ToEvidence(view));

    public void TargetRemoved(string target) => store.Remove(target);
}

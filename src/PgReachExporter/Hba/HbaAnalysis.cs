namespace PgReachExporter.Hba;

/// <summary>One evaluation of a target's pg_hba rules: a decision per expected client, the shadowed lines, the error rows.</summary>
internal sealed record HbaAnalysis(
    IReadOnlyList<HbaDecision> Decisions,
    IReadOnlyList<ShadowedRule> ShadowedRules,
    IReadOnlyList<HbaRule> ErrorRows,
    bool FileRejectedByServer)
{
    public int ShadowedCount => ShadowedRules.Count;
}

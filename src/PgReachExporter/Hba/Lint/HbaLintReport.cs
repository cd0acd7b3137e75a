namespace PgReachExporter.Hba.Lint;

/// <summary>Everything lint-hba found in one file and the files it includes.</summary>
internal sealed record HbaLintReport(
    string File, int PgVersion, IReadOnlyList<HbaParsedLine> Lines, IReadOnlyList<HbaLintFinding> Findings, IReadOnlyList<HbaClientVerdict> Clients)
{
    /// <summary>The worst finding's severity, counting a rejected client as an error and an undecidable one as a warning; null when clean.</summary>
    public HbaLintSeverity? Worst =>
        Findings.Select(f => (HbaLintSeverity?)f.Severity)
            .Concat(Clients.Select(c => c.Allowed switch
            {
                false => (HbaLintSeverity?)HbaLintSeverity.Error,
                null => HbaLintSeverity.Warning,
                true => null,
            }))
            .Max();
}

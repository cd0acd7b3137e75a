namespace PgReachExporter.Hba.Lint;

/// <summary>How much a finding matters; the command's --fail-on compares against it.</summary>
internal enum HbaLintSeverity
{
    Info,
    Warning,
    Error,
}

/// <summary>What a finding is about.</summary>
internal enum HbaLintKind
{
    /// <summary>The server rejects the line (and with it the whole file), or needs something to ever match it.</summary>
    Syntax,

    /// <summary>Earlier lines match every connection the line could match.</summary>
    Shadowed,

    /// <summary>The line loads and can match, but admits more than is usually meant.</summary>
    Risky,
}

/// <summary>One finding of lint-hba about one line.</summary>
/// <param name="File">Absolute path of the file the line is in.</param>
/// <param name="Line">Line number within <paramref name="File"/>; 0 for the file as a whole.</param>
/// <param name="RelatedLine">The earlier line a shadowed or blocked line is about; null otherwise.</param>
internal sealed record HbaLintFinding(
    string File, int Line, HbaLintSeverity Severity, HbaLintKind Kind, string Message, int? RelatedLine = null, string? RelatedFile = null);

/// <summary>What pg_hba.conf does with one expected client: admitted (true), rejected (false) or undecidable offline (null), and by which line.</summary>
internal sealed record HbaClientVerdict(HbaClient Client, bool? Allowed, string? File, int? Line, string Reason);

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

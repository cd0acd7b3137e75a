namespace PgReachExporter.Hba.Lint;

/// <summary>One finding of lint-hba about one line.</summary>
/// <param name="File">Absolute path of the file the line is in.</param>
/// <param name="Line">Line number within <paramref name="File"/>; 0 for the file as a whole.</param>
/// <param name="RelatedLine">The earlier line a shadowed or blocked line is about; null otherwise.</param>
internal sealed record HbaLintFinding(
    string File, int Line, HbaLintSeverity Severity, HbaLintKind Kind, string Message, int? RelatedLine = null, string? RelatedFile = null);

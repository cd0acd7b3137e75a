namespace PgReachExporter.Hba.Lint;

/// <summary>How much a finding matters; the command's --fail-on compares against it.</summary>
internal enum HbaLintSeverity
{
    Info,
    Warning,
    Error,
}

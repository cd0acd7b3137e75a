namespace PgReachExporter.Cli;

/// <summary>How lint-hba prints its report.</summary>
internal enum LintHbaFormat
{
    Text,
    Json,
    Github,
    Junit,
}

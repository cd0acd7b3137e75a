using System.Globalization;
using PgReachExporter.Hba.Lint;

namespace PgReachExporter.Cli;

/// <summary>A lint-hba report with what every output format shares: paths as the user wrote them, and what fails the run.</summary>
internal sealed class LintHbaView(HbaLintReport report, string workingDirectory, HbaLintSeverity failOn)
{
    public HbaLintReport Report => report;

    public HbaLintSeverity FailOn => failOn;

    /// <summary>The run fails: some finding (or client) is at least as severe as --fail-on.</summary>
    public bool Fails => report.Worst is { } worst && worst >= failOn;

    /// <summary>A path relative to the working directory when it is inside it (what CI annotations need), else absolute.</summary>
    public string Path(string? path)
    {
        if (path is null)
            return Path(report.File);
        var relative = System.IO.Path.GetRelativePath(workingDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    public static string Word(HbaLintSeverity severity) => severity switch
    {
        HbaLintSeverity.Error => "error",
        HbaLintSeverity.Warning => "warning",
        _ => "info",
    };

    public static string Word(HbaLintKind kind) => kind switch
    {
        HbaLintKind.Syntax => "syntax",
        HbaLintKind.Shadowed => "shadowed",
        _ => "risky",
    };

    /// <summary>The severity a client's verdict counts as: rejected is an error, undecidable a warning.</summary>
    public static HbaLintSeverity? Severity(HbaClientVerdict client) => client.Allowed switch
    {
        false => HbaLintSeverity.Error,
        null => HbaLintSeverity.Warning,
        true => null,
    };

    public string Where(string file, int line) =>
        line > 0 ? $"{Path(file)}:{line.ToString(CultureInfo.InvariantCulture)}" : Path(file);
}

using PgReachExporter.Hba;
using PgReachExporter.Hba.Lint;

namespace PgReachExporter.Tests.Hba.Lint;

/// <summary>Runs the linter on a main file at /etc/pg/pg_hba.conf, with other files relative to /etc/pg.</summary>
internal static class Lint
{
    public const string Directory = "/etc/pg";
    public const string MainFile = Directory + "/pg_hba.conf";

    public static HbaLintReport Run(string main, int major = 18, IReadOnlyList<HbaClient>? clients = null, params (string Path, string Text)[] files)
    {
        var map = files.ToDictionary(f => f.Path.StartsWith('/') ? f.Path : $"{Directory}/{f.Path}", f => f.Text, StringComparer.Ordinal);
        return HbaLinter.Lint(MainFile, main, new HbaDialect(major), new HbaFileMap(map), clients ?? []);
    }

    public static IReadOnlyList<HbaLintFinding> Errors(this HbaLintReport report) =>
        report.Findings.Where(f => f.Severity == HbaLintSeverity.Error && f.Kind == HbaLintKind.Syntax).ToArray();

    public static IReadOnlyList<int> ErrorLines(this HbaLintReport report) => report.Errors().Select(f => f.Line).ToArray();
}

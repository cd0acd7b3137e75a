using PgReachExporter.Hba.Lint;

namespace PgReachExporter.Tests.Hba.Lint;

/// <summary>Files in memory for the linter, by absolute path; directories are the paths' parents.</summary>
internal sealed class HbaFileMap(IReadOnlyDictionary<string, string> files) : IHbaFileSource
{
    public HbaFileRead Read(string path) => files.TryGetValue(path, out var text) ? HbaFileRead.Found(text) : HbaFileRead.NotFound;

    public IReadOnlyList<HbaDirectoryEntry>? ListDirectory(string path, out string? problem)
    {
        var prefix = path.TrimEnd('/') + "/";
        var entries = files.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k[prefix.Length..])
            .Select(rest => rest.Contains('/') ? new HbaDirectoryEntry(rest[..rest.IndexOf('/')], true) : new HbaDirectoryEntry(rest, false))
            .Distinct()
            .ToArray();
        problem = entries.Length == 0 ? "No such file or directory" : null;
        return entries.Length == 0 ? null : entries;
    }
}

/// <summary>Runs the linter on a main file at /etc/pg/pg_hba.conf, with other files relative to /etc/pg.</summary>
internal static class Lint
{
    public const string Directory = "/etc/pg";
    public const string MainFile = Directory + "/pg_hba.conf";

    public static HbaLintReport Run(string main, int major = 18, IReadOnlyList<PgReachExporter.Hba.HbaClient>? clients = null, params (string Path, string Text)[] files)
    {
        var map = files.ToDictionary(f => f.Path.StartsWith('/') ? f.Path : $"{Directory}/{f.Path}", f => f.Text, StringComparer.Ordinal);
        return HbaLinter.Lint(MainFile, main, new HbaDialect(major), new HbaFileMap(map), clients ?? []);
    }

    public static IReadOnlyList<HbaLintFinding> Errors(this HbaLintReport report) =>
        report.Findings.Where(f => f.Severity == HbaLintSeverity.Error && f.Kind == HbaLintKind.Syntax).ToArray();

    public static IReadOnlyList<int> ErrorLines(this HbaLintReport report) => report.Errors().Select(f => f.Line).ToArray();
}

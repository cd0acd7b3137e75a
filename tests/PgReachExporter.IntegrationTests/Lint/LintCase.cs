namespace PgReachExporter.IntegrationTests.Lint;

/// <summary>A pg_hba.conf text and the files it may include, by path relative to the main file's directory.</summary>
public sealed record LintCase(string Name, string Main, IReadOnlyDictionary<string, string> Files)
{
    /// <summary>The majors the case is checked on (all when null): for lines whose verdict depends on how the server was built.</summary>
    public IReadOnlyList<int>? Majors { get; init; }

    public static LintCase Of(string name, string main, params (string Path, string Text)[] files) =>
        new(name, main, files.ToDictionary(f => f.Path, f => f.Text, StringComparer.Ordinal));
}

using System.Diagnostics;
using Npgsql;
using PgReachExporter.Cli;
using PgReachExporter.Hba.Lint;
using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.Lab;

namespace PgReachExporter.IntegrationTests.Lint;

/// <summary>
/// PostgreSQL is the oracle for lint-hba's parser: each file is written where the server's pg_hba.conf is (with its
/// included files next to it) and pg_hba_file_rules, which re-reads the file from disk without a reload, must show
/// an unparsable row exactly at each file and line the linter calls an error.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class LintOracleTests(ClusterFixture fixture)
{
    private const int Seed = 20261202;

    // Rows with a null connection type are the lines the server cannot load; rows with a type and an error load but
    // cannot match in this server (hostssl with ssl off, hostgssenc without GSSAPI), which the linter reports as notes.
    private const string RowsSql15 = "SELECT NULL::text, line_number, error, type IS NULL FROM pg_hba_file_rules";
    private const string RowsSql16 = "SELECT file_name, line_number, error, type IS NULL FROM pg_hba_file_rules";

    public static TheoryData<int, int> Majors => new()
    {
        // 15 and 18 are the ends of the supported range; 16 brought includes and regular expressions, 17 changed nothing here.
        { 15, 140 },
        { 16, 50 },
        { 17, 30 },
        { 18, 140 },
    };

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task Lint_errors_are_exactly_the_rows_pg_hba_file_rules_cannot_load(int major, int generated)
    {
        var watch = Stopwatch.StartNew();
        // The linter assumes a validator is configured wherever oauth lines are written; the library loads only at login.
        var settings = major >= 18
            ? new Dictionary<string, string> { ["oauth_validator_libraries"] = "lint_validator" }
            : new Dictionary<string, string>();
        await using var cluster = await fixture.NewClusterAsync(new ClusterOptions { Major = major, ExtraConfig = settings });
        await using var connection = new NpgsqlConnection(cluster.SuperuserConnectionString);
        await connection.OpenAsync();
        var hbaFile = await ScalarAsync(connection, "SHOW hba_file");
        var directory = Path.GetDirectoryName(hbaFile)!;
        var random = new Random(Seed + major);
        var cases = HandMadeLintCases.All().Where(c => c.Majors is null || c.Majors.Contains(major)).Concat(Enumerable.Range(0, generated).Select(i => LintCaseGenerator.Generate(random, i))).ToList();
        var mismatches = new List<string>();
        var (errorLines, cleanFiles) = (0, 0);

        foreach (var lintCase in cases)
        {
            WriteCase(directory, hbaFile, lintCase);
            var (server, rows) = await RowsAsync(connection, major);
            var report = HbaLinter.Lint(hbaFile, lintCase.Main, new HbaDialect(major), new DiskHbaFileSource(), []);
            var linted = report.Findings
                .Where(f => f.Kind == HbaLintKind.Syntax && f.Severity == HbaLintSeverity.Error && f.Line > 0)
                .Select(f => (File: major >= 16 ? f.File : null, f.Line))
                .ToHashSet();
            errorLines += linted.Count;
            cleanFiles += linted.Count == 0 ? 1 : 0;
            // Every line the linter read (loaded or not) is a row of the view: includes and @files expand the same way.
            var read = report.Lines.Select(l => (File: major >= 16 ? l.Source.File : null, Line: l.Source.LineNumber)).ToHashSet();
            if (!read.SetEquals(rows))
            {
                mismatches.Add($"{lintCase.Name} on {major}: rows {string.Join(",", rows.Order().Select(Where))}, lint read {string.Join(",", read.Order().Select(Where))}\n{Show(lintCase)}");
            }
            else if (!linted.SetEquals(server.Keys))
            {
                var missed = server.Keys.Except(linted).Select(k => $"server only {Where(k)}: {server[k]}");
                var extra = linted.Except(server.Keys).Select(k =>
                    $"lint only {Where(k)}: {report.Findings.First(f => f.Line == k.Line && (k.File is null || f.File == k.File)).Message}");
                mismatches.Add($"{lintCase.Name} on {major}: {string.Join("; ", missed.Concat(extra))}\n{Show(lintCase)}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {cases.Count} files disagree:\n{string.Join("\n", mismatches.Take(8))}");
        Assert.True(errorLines > cases.Count / 2, $"only {errorLines} error lines in {cases.Count} files: the generator is too tame");
        Assert.True(cleanFiles > 5, $"only {cleanFiles} clean files: the generator is too wild");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(40), $"took {watch.Elapsed}");
    }

    /// <summary>Replaces the cluster's pg_hba.conf and the lint/ directory next to it; no reload, so the rules in force stay.</summary>
    internal static void WriteCase(string directory, string hbaFile, LintCase lintCase)
    {
        var includes = Path.Combine(directory, LintCaseGenerator.IncludeDirectory);
        if (Directory.Exists(includes))
            Directory.Delete(includes, recursive: true);
        foreach (var (path, text) in lintCase.Files)
        {
            var full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        // Writing over the existing file keeps its owner, so the server user can still read it.
        File.WriteAllText(hbaFile, lintCase.Main);
    }

    /// <summary>The unloadable rows with the server's message, and every row's place.</summary>
    private static async Task<(Dictionary<(string? File, int Line), string> Errors, HashSet<(string? File, int Line)> Rows)> RowsAsync(NpgsqlConnection connection, int major)
    {
        await using var command = new NpgsqlCommand(major >= 16 ? RowsSql16 : RowsSql15, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var errors = new Dictionary<(string? File, int Line), string>();
        var rows = new HashSet<(string? File, int Line)>();
        while (await reader.ReadAsync())
        {
            var place = (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt32(1));
            rows.Add(place);
            if (reader.GetBoolean(3))
                errors.TryAdd(place, reader.IsDBNull(2) ? "(no message)" : reader.GetString(2));
        }

        return (errors, rows);
    }

    private static async Task<string> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static string Where((string? File, int Line) key) => key.File is null ? $"line {key.Line}" : $"{Path.GetFileName(key.File)}:{key.Line}";

    private static string Show(LintCase lintCase) =>
        "  | " + lintCase.Main.Replace("\n", "\n  | ", StringComparison.Ordinal)
        + string.Concat(lintCase.Files.Where(f => lintCase.Main.Contains(Path.GetFileName(f.Key), StringComparison.Ordinal) || lintCase.Main.Contains("include", StringComparison.Ordinal))
            .Select(f => $"\n  {f.Key}:\n  | {f.Value.Replace("\n", "\n  | ", StringComparison.Ordinal)}"));
}

using System.Globalization;
using PgReachExporter.Hba.Lint;

namespace PgReachExporter.Cli;

/// <summary>The parsed command line of `lint-hba`.</summary>
internal sealed record LintHbaArguments(string? File, int PgVersion, string? ExpectFile, LintHbaFormat Format, HbaLintSeverity FailOn, bool Help)
{
    private static readonly CommandOption VersionOption = new("--pg-version", "15|16|17|18", "the PostgreSQL major version whose syntax applies",
        HbaDialect.Default.ToString(CultureInfo.InvariantCulture));

    private static readonly CommandOption ExpectOption = new("--expect", "CLIENTS",
        "a JSON or YAML list of expected clients (name, address, database, user, type): each is reported allowed or rejected", "none");

    private static readonly CommandOption FormatOption = new("--format", "text|json|github|junit",
        "text, one JSON object, GitHub Actions annotations, or a JUnit XML report", "text");

    private static readonly CommandOption FailOnOption = new("--fail-on", "error|warning|info",
        "the least severe finding that fails the run (a rejected expected client counts as an error, one that cannot be decided without the server as a warning)",
        "error");

    private static readonly CommandSyntax Syntax = new($"{AgentCommandLine.Program} {LintHbaCommand.Name}",
        [VersionOption, ExpectOption, FormatOption, FailOnOption, CommandSyntax.HelpOption], positionals: 1, extraPositional: "give one pg_hba.conf file only");

    public static string Usage { get; } = $"""
        Usage: {Syntax.Command} FILE [options]

        Reads a pg_hba.conf file (and the files it includes) the way the chosen PostgreSQL
        version does, without a server, and reports the lines the server would reject, lines
        that can never match, risky lines, and what the file does with expected clients.

          FILE                    the pg_hba.conf file
        {Syntax.OptionsText()}

        Exit status: 0 no finding at or above --fail-on, 1 some, 2 usage error (missing file,
        bad option, unreadable clients file).
        """;

    /// <summary>Parses the arguments after "lint-hba"; a problem is returned as one line of text, never thrown.</summary>
    public static LintHbaArguments? Parse(IReadOnlyList<string> args, out string? problem)
    {
        var parsed = Syntax.Parse(args, out problem);
        if (parsed is null)
        {
            return null;
        }

        if (parsed.Help)
        {
            return new LintHbaArguments(null, HbaDialect.Default, null, LintHbaFormat.Text, HbaLintSeverity.Error, Help: true);
        }

        var version = HbaDialect.Default;
        var format = LintHbaFormat.Text;
        var failOn = HbaLintSeverity.Error;
        if (parsed.Value(VersionOption) is { } versionText
            && (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out version) || !HbaDialect.IsSupported(version)))
        {
            problem = Syntax.Hint($"--pg-version '{versionText}' is not one of 15, 16, 17, 18");
            return null;
        }

        if (parsed.Value(FormatOption) is { } formatText && !TryParseName(formatText, out format))
        {
            problem = Syntax.Hint($"--format '{formatText}' is not one of text, json, github, junit");
            return null;
        }

        if (parsed.Value(FailOnOption) is { } failOnText && !TryParseName(failOnText, out failOn))
        {
            problem = Syntax.Hint($"--fail-on '{failOnText}' is not one of error, warning, info");
            return null;
        }

        if (parsed.Positionals.Count == 0)
        {
            problem = Syntax.Hint("missing FILE (the pg_hba.conf to check)");
            return null;
        }

        return new LintHbaArguments(parsed.Positionals[0], version, parsed.Value(ExpectOption), format, failOn, Help: false);
    }

    // A name only: Enum.TryParse would also take "1" or "Text, Json".
    private static bool TryParseName<T>(string text, out T value)
        where T : struct, Enum =>
        Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !text.Any(char.IsAsciiDigit) && !text.Contains(',');
}

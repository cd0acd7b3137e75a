using System.Globalization;
using PgReachExporter.Hba.Lint;

namespace PgReachExporter.Cli;

/// <summary>The parsed command line of `lint-hba`.</summary>
internal sealed record LintHbaArguments(string? File, int PgVersion, string? ExpectFile, LintHbaFormat Format, HbaLintSeverity FailOn, bool Help)
{
    public const string Usage = """
        Usage: PgReachExporter lint-hba FILE [options]

        Reads a pg_hba.conf file (and the files it includes) the way the chosen PostgreSQL
        version does, without a server, and reports the lines the server would reject, lines
        that can never match, risky lines, and what the file does with expected clients.

          FILE                    the pg_hba.conf file
          --pg-version 15|16|17|18
                                  the PostgreSQL major version whose syntax applies (default: 18)
          --expect CLIENTS        a JSON or YAML list of expected clients (name, address,
                                  database, user, type): each is reported allowed or rejected
          --format text|json|github|junit
                                  text (default), one JSON object, GitHub Actions annotations,
                                  or a JUnit XML report
          --fail-on error|warning|info
                                  the least severe finding that fails the run (default: error;
                                  a rejected expected client counts as an error, one that cannot
                                  be decided without the server as a warning)
          -h, --help              show this help

        Exit status: 0 no finding at or above --fail-on, 1 some, 2 usage error (missing file,
        bad option, unreadable clients file).
        """;

    /// <summary>Parses the arguments after "lint-hba"; a problem is returned as one line of text, never thrown.</summary>
    public static LintHbaArguments? Parse(IReadOnlyList<string> args, out string? problem)
    {
        problem = null;
        string? file = null, expect = null;
        var version = HbaDialect.Default;
        var format = LintHbaFormat.Text;
        var failOn = HbaLintSeverity.Error;
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var (name, inline) = Split(arg);
            switch (name)
            {
                case "-h" or "--help":
                    help = true;
                    break;
                case "--pg-version" or "--expect" or "--format" or "--fail-on":
                    var value = inline ?? (i + 1 < args.Count ? args[++i] : null);
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        problem = $"{name} needs a value";
                        return null;
                    }

                    if (Apply(name, value, ref version, ref expect, ref format, ref failOn) is { } bad)
                    {
                        problem = bad;
                        return null;
                    }

                    break;
                case var _ when arg.StartsWith('-') && arg.Length > 1:
                    problem = $"unknown option '{name}'";
                    return null;
                default:
                    if (file is not null)
                    {
                        problem = "give one pg_hba.conf file only";
                        return null;
                    }

                    file = arg;
                    break;
            }
        }

        if (file is null && !help)
        {
            problem = "missing FILE (the pg_hba.conf to check)";
            return null;
        }

        return new LintHbaArguments(file, version, expect, format, failOn, help);
    }

    private static string? Apply(string name, string value, ref int version, ref string? expect, ref LintHbaFormat format, ref HbaLintSeverity failOn)
    {
        switch (name)
        {
            case "--pg-version":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out version) || !HbaDialect.IsSupported(version))
                    return $"--pg-version '{value}' is not one of 15, 16, 17, 18";
                return null;
            case "--expect":
                expect = value;
                return null;
            case "--format":
                if (!Enum.TryParse(value, ignoreCase: true, out format) || !Enum.IsDefined(format) || value.Any(char.IsAsciiDigit))
                    return $"--format '{value}' is not one of text, json, github, junit";
                return null;
            default:
                if (!Enum.TryParse(value, ignoreCase: true, out failOn) || !Enum.IsDefined(failOn) || value.Any(char.IsAsciiDigit))
                    return $"--fail-on '{value}' is not one of error, warning, info";
                return null;
        }
    }

    private static (string Name, string? Value) Split(string arg)
    {
        var eq = arg.IndexOf('=');
        return arg.StartsWith("--", StringComparison.Ordinal) && eq > 2 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }
}

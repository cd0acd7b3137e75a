using PgReachExporter.Configuration;

namespace PgReachExporter.Cli;

/// <summary>The parsed command line of `diagnose`.</summary>
/// <param name="Target">A postgresql:// URI or the name of a configured target.</param>
internal sealed record DiagnoseArguments(
    string? Target,
    string? ConfigFile,
    string? PasswordFile,
    TimeSpan? Timeout,
    bool Json,
    bool Help)
{
    /// <summary>--monitoring: a libpq URI of the monitoring connection, as the target's Monitoring setting.</summary>
    public string? Monitoring { get; init; }

    /// <summary>--log: the server log to read back, as the target's LogPath setting.</summary>
    public string? LogPath { get; init; }

    /// <summary>--local-listener: read the socket table (true), never (false), or by the agent's rule (null).</summary>
    public bool? LocalListener { get; init; }

    private static readonly CommandOption Config = new("--config", "FILE", "read configured targets from FILE, as the agent does");

    private static readonly CommandOption PasswordFileOption = new("--password-file", "FILE", "read the password from the first line of FILE",
        "the URI's, then PGPASSWORD");

    private static readonly CommandOption TimeoutOption = new("--timeout", "DURATION", "connect timeout, e.g. 3s or 500ms", "the target's, or 5s");

    private static readonly CommandOption MonitoringOption = new("--monitoring", "URI",
        "also ask the server over this monitoring connection (a libpq URI, e.g. postgresql://pgreach_monitor@/postgres?host=/var/run/postgresql)");

    private static readonly CommandOption LogOption = new("--log", "PATH",
        "also read back the server log (a file, a glob or a directory/), as the agent does at start: the current postmaster's start-up lines");

    private static readonly CommandOption LocalListenerOption = new("--local-listener", "BOOL", "read this machine's socket table (true) or not (false)",
        "when every address of the host is this machine's");

    private static readonly CommandOption JsonOption = new("--json", null, "print the report as JSON (same fields as GET /api/targets)", "text");

    private static readonly CommandSyntax Syntax = new($"{AgentCommandLine.Program} {DiagnoseCommand.Name}",
        [Config, PasswordFileOption, TimeoutOption, MonitoringOption, LogOption, LocalListenerOption, JsonOption, CommandSyntax.HelpOption],
        positionals: 1, extraPositional: "give one target only");

    public static string Usage { get; } = $"""
        Usage: {Syntax.Command} TARGET [options]

        Probes one PostgreSQL target once (DNS, TCP to every address, login), gathers the same
        evidence the agent would (socket table, server log, monitoring connection) and prints a
        layer-by-layer report with the verdict and next steps.

          TARGET                  a libpq URI (postgresql://user@host:port/db?sslmode=...) or the
                                  name of a target in the agent's configuration
        {Syntax.OptionsText()}

        Exit status: 0 reachable, 1 not reachable, 2 usage or configuration error.
        """;

    /// <summary>Parses the arguments after "diagnose"; a problem is returned as one line of text, never thrown.</summary>
    public static DiagnoseArguments? Parse(IReadOnlyList<string> args, out string? problem)
    {
        var parsed = Syntax.Parse(args, out problem);
        if (parsed is null)
        {
            return null;
        }

        if (parsed.Help)
        {
            return new DiagnoseArguments(null, null, null, null, Json: false, Help: true);
        }

        TimeSpan? timeout = null;
        if (parsed.Value(TimeoutOption) is { } timeoutText)
        {
            if (!DurationParser.TryParse(timeoutText, out var value) || value <= TimeSpan.Zero)
            {
                problem = Syntax.Hint($"--timeout '{timeoutText}' is not a positive duration (examples: 3s, 500ms)");
                return null;
            }

            timeout = value;
        }

        bool? localListener = null;
        if (parsed.Value(LocalListenerOption) is { } localText)
        {
            if (!bool.TryParse(localText, out var local))
            {
                problem = Syntax.Hint($"--local-listener '{localText}' is not true or false");
                return null;
            }

            localListener = local;
        }

        if (parsed.Positionals.Count == 0)
        {
            problem = Syntax.Hint("missing TARGET (a postgresql:// URI or a configured target name)");
            return null;
        }

        return new DiagnoseArguments(parsed.Positionals[0], parsed.Value(Config), parsed.Value(PasswordFileOption), timeout, parsed.Has(JsonOption), Help: false)
        {
            Monitoring = parsed.Value(MonitoringOption), LogPath = parsed.Value(LogOption), LocalListener = localListener,
        };
    }
}

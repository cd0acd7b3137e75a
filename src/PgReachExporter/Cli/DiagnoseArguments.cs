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

    public const string Usage = """
        Usage: PgReachExporter diagnose TARGET [options]

        Probes one PostgreSQL target once (DNS, TCP to every address, login), gathers the same
        evidence the agent would (socket table, server log, monitoring connection) and prints a
        layer-by-layer report with the verdict and next steps.

          TARGET                 a libpq URI (postgresql://user@host:port/db?sslmode=...) or the
                                 name of a target in the agent's configuration
          --config FILE          read configured targets from FILE, as the agent does
          --password-file FILE   read the password from the first line of FILE
                                 (otherwise: the URI, then PGPASSWORD)
          --timeout DURATION     connect timeout, e.g. 3s or 500ms (default: the target's, or 5s)
          --monitoring URI       also ask the server over this monitoring connection (a libpq URI,
                                 e.g. postgresql://pgreach_monitor@/postgres?host=/var/run/postgresql)
          --log PATH             also read back the server log (a file, a glob or a directory/), as
                                 the agent does at start: the current postmaster's start-up lines
          --local-listener BOOL  read this machine's socket table (true) or not (false); default:
                                 when every address of the host is this machine's
          --json                 print the report as JSON (same fields as GET /api/targets)
          -h, --help             show this help

        Exit status: 0 reachable, 1 not reachable, 2 usage or configuration error.
        """;

    /// <summary>Parses the arguments after "diagnose"; a problem is returned as text, never thrown.</summary>
    public static DiagnoseArguments? Parse(IReadOnlyList<string> args, out string? problem)
    {
        problem = null;
        string? target = null, config = null, passwordFile = null, monitoring = null, logPath = null;
        bool? localListener = null;
        TimeSpan? timeout = null;
        bool json = false, help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var (name, inline) = Split(arg);
            switch (name)
            {
                case "-h" or "--help":
                    help = true;
                    break;
                case "--json":
                    json = true;
                    break;
                case "--config" or "--password-file" or "--timeout" or "--monitoring" or "--log" or "--local-listener":
                    var value = inline ?? (i + 1 < args.Count ? args[++i] : null);
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        problem = $"{name} needs a value";
                        return null;
                    }

                    if (name == "--config")
                    {
                        config = value;
                    }
                    else if (name == "--monitoring")
                    {
                        monitoring = value;
                    }
                    else if (name == "--log")
                    {
                        logPath = value;
                    }
                    else if (name == "--local-listener")
                    {
                        if (!bool.TryParse(value, out var local))
                        {
                            problem = $"--local-listener '{value}' is not true or false";
                            return null;
                        }

                        localListener = local;
                    }
                    else if (name == "--password-file")
                    {
                        passwordFile = value;
                    }
                    else if (DurationParser.TryParse(value, out var parsed) && parsed > TimeSpan.Zero)
                    {
                        timeout = parsed;
                    }
                    else
                    {
                        problem = $"--timeout '{value}' is not a positive duration (examples: 3s, 500ms)";
                        return null;
                    }

                    break;
                case var _ when arg.StartsWith('-') && arg.Length > 1:
                    problem = $"unknown option '{name}'";
                    return null;
                default:
                    if (target is not null)
                    {
                        problem = "give one target only";
                        return null;
                    }

                    target = arg;
                    break;
            }
        }

        if (target is null && !help)
        {
            problem = "missing TARGET (a postgresql:// URI or a configured target name)";
            return null;
        }

        return new DiagnoseArguments(target, config, passwordFile, timeout, json, help)
        {
            Monitoring = monitoring, LogPath = logPath, LocalListener = localListener,
        };
    }

    private static (string Name, string? Value) Split(string arg)
    {
        var eq = arg.IndexOf('=');
        return arg.StartsWith("--", StringComparison.Ordinal) && eq > 2 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }
}

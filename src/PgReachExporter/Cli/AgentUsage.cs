namespace PgReachExporter.Cli;

/// <summary>`--help` and `--version` of the agent itself: a newcomer who asks gets an answer, not a running agent.</summary>
internal static class AgentUsage
{
    public const string Text = """
        Usage: PgReachExporter [options]            run the agent (default: one target from the libpq environment)
               PgReachExporter demo                 the agent against a live lab of broken PostgreSQL servers
               PgReachExporter diagnose TARGET ...  probe one target once and print the verdict (diagnose --help)
               PgReachExporter lint-hba FILE ...    check a pg_hba.conf before it ships (lint-hba --help)

        Options of the agent:
          --config FILE          targets and settings (JSON); re-read when it changes and on SIGHUP
          --urls URLS            listen addresses (default http://0.0.0.0:9930), e.g. http://127.0.0.1:9930
          --AllowedHosts HOSTS   answer only requests for these host names (';'-separated), against DNS rebinding
          --PgReach:KEY VALUE    any setting of the configuration file, e.g. --PgReach:Interval 30s
          --PgReach:LogFormat F  text (default) or json
          -h, --help             show this help
          --version              show the version

        Endpoints: /metrics, / (status page), /api/targets, /healthz, /probe?target=NAME or
        /probe?target=HOST:PORT&module=M (only with PgReach:Modules, docs/probe.md).
        Exit status: 0 stopped, 2 bad configuration or listen address. Documentation: README.md and docs/.
        """;

    /// <summary>The text to print and exit 0 with, or null when the arguments ask for neither.</summary>
    public static string? For(IReadOnlyList<string> args) => args switch
    {
        [] => null,
        _ when args.Any(a => a is "-h" or "--help" or "-?") => Text,
        _ when args.Any(a => a == "--version") => $"PgReachExporter {Metrics.BuildVersion.Current}",
        _ => null,
    };
}

using PgReachExporter.Configuration;

namespace PgReachExporter.Cli;

/// <summary>What the agent's command line asks for: a text to print and exit 0 with, a problem (exit 2), or a run.</summary>
/// <param name="HostArgs">For a run: the options, each as <c>--name=VALUE</c>, for the host's configuration.</param>
internal sealed record AgentInvocation(string? Output, string? Problem, string[] HostArgs);

/// <summary>
/// The agent's command line: the one list of options it accepts (a new option is one line in <see cref="Options"/>),
/// its usage, and a strict parse: nothing the agent would not read reaches the host's configuration.
/// </summary>
internal static class AgentCommandLine
{
    public const string Program = "PgReachExporter";

    public static readonly CommandOption Config = new("--config", "FILE",
        "targets and settings (JSON), re-read when it changes and on SIGHUP; a relative path is taken from the current directory",
        "none: one target from the libpq environment, PGHOST, PGPORT, ...");

    public static readonly CommandOption Urls = new("--urls", "URLS", "listen addresses, ';'-separated, e.g. http://127.0.0.1:9930", AgentHost.DefaultUrls);

    public static readonly CommandOption Version = new("--version", null, "show the version");

    /// <summary>The configuration file's PgReach settings, each also a command-line option.</summary>
    public static readonly CommandOption Setting = new($"--{AgentSettingsReader.SectionName}:", "VALUE",
        "a setting of the configuration file, KEY one of: " + SettingDefaults())
    {
        Keys = AgentSettingsReader.AgentFieldNames,
    };

    /// <summary>Every option of the agent, in the order the usage lists them; `demo` takes the same (but --config).</summary>
    public static readonly IReadOnlyList<CommandOption> Options =
    [
        Config,
        Urls,
        new("--web.listen-address", "ADDR", "HOST:PORT[,HOST:PORT] instead of --urls; https when the web config turns TLS on", "as --urls"),
        new("--web.config.file", "FILE", "TLS, client certificates, basic auth, rate limit (the exporter toolkit's YAML); re-read when it or a certificate changes and on SIGHUP (docs/web-configuration.md)", "none: plain HTTP, no authentication"),
        new("--AllowedHosts", "HOSTS", "answer only requests for these host names (';'-separated), against DNS rebinding", "any host"),
        new("--environment", "NAME", "also read appsettings.NAME.json from the current directory", "Production"),
        new(ShardSelection.OptionName, "I/N", "probe only shard I (0 to N-1) of N: the targets whose names rendezvous-hash to I; auto/N takes I from the host name's -ORDINAL suffix (a StatefulSet pod); also PGREACH_SHARD=I/N (docs/deployment.md)", "every target"),
        Setting,
        new("--Serilog:", "LEVEL", "log levels: --Serilog:MinimumLevel LEVEL, or :Default and :Override:SOURCE", "Information")
        {
            Keys = [LogLevelSettings.MinimumLevelField],
        },
        CommandSyntax.HelpOption with { Aliases = ["-h", "-?"] },
        Version,
    ];

    public static readonly IReadOnlyList<string> Subcommands = [DemoCommand.Name, DiagnoseCommand.Name, LintHbaCommand.Name];

    private static readonly CommandSyntax Syntax = new(Program, Options) { Subcommands = Subcommands };

    public static string Usage { get; } = $"""
        Usage: {Program} [options]            run the agent (default: one target from the libpq environment)
               {Program} demo [options]       the agent against a live lab of broken PostgreSQL servers (demo --help)
               {Program} diagnose TARGET ...  probe one target once and print the verdict (diagnose --help)
               {Program} lint-hba FILE ...    check a pg_hba.conf before it ships (lint-hba --help)

        Options of the agent (--name VALUE or --name=VALUE):
        {Syntax.OptionsText()}

        Endpoints: /metrics, / (status page), /api/targets, /healthz, /probe?target=NAME or
        /probe?target=HOST:PORT&module=M (only with PgReach:Modules, docs/probe.md).
        Exit status: 0 stopped, 2 bad command line, configuration or listen address. Documentation: README.md and docs/.
        """;

    public static AgentInvocation Read(IReadOnlyList<string> args) => Read(args, Syntax, Usage);

    /// <summary>Reads the agent's (or demo's) options with <paramref name="syntax"/>; help and version win over a run.</summary>
    public static AgentInvocation Read(IReadOnlyList<string> args, CommandSyntax syntax, string usage)
    {
        var parsed = syntax.Parse(args, out var problem);
        if (parsed is null)
        {
            return new AgentInvocation(null, problem, []);
        }

        if (parsed.Help)
        {
            return new AgentInvocation(usage, null, []);
        }

        if (parsed.Has(Version))
        {
            return new AgentInvocation($"{Program} {Metrics.BuildVersion.Current}", null, []);
        }

        return new AgentInvocation(null, null, [.. parsed.Options.Select(o => $"{o.Name}={o.Value}")]);
    }

    private static string SettingDefaults()
    {
        var defaults = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Interval"] = DurationText(AgentSettings.DefaultInterval),
            ["ConnectTimeout"] = DurationText(AgentSettings.DefaultConnectTimeout),
            ["LogFormat"] = LogFormats.Text,
            ["Targets"] = "the libpq environment's; --PgReach:Targets:0:Host db1 ...",
        };
        return string.Join(", ", AgentSettingsReader.AgentFieldNames.Order(StringComparer.OrdinalIgnoreCase)
            .Select(k => defaults.TryGetValue(k, out var d) ? $"{k} ({d})" : k));
    }

    private static string DurationText(TimeSpan span) => $"{span.TotalSeconds:0}s";
}

using System.Globalization;
using System.Reflection;

namespace PgReachExporter.LoadHarness;

/// <summary>What one load run does: how many targets of which kind, how long it measures, which agent it starts.</summary>
internal sealed record HarnessOptions
{
    public int Targets { get; init; } = 1000;
    public int OpenPercent { get; init; } = 60;
    public int RefusedPercent { get; init; } = 25;
    public int BlackHolePercent { get; init; } = 15;
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);
    public int WarmupIntervals { get; init; } = 1;
    public int MeasuredIntervals { get; init; } = 3;
    public int Scrapes { get; init; } = 200;
    public required string AgentAssembly { get; init; }
    public IReadOnlyDictionary<string, string> AgentEnvironment { get; init; } = new Dictionary<string, string>();
    public bool SkipScrapePhase { get; init; }

    /// <summary>The blackbox exporter to run side by side in the probe phase, or null.</summary>
    public string? Blackbox { get; init; }

    /// <summary>What the open targets' logins meet: the harness's rejecting listeners, or a real server.</summary>
    public OpenLogin OpenLogin { get; init; } = OpenLogin.Fake;

    /// <summary>Where initdb, pg_ctl, postgres and psql are, for <see cref="OpenLogin"/> other than fake.</summary>
    public string PostgresBin { get; init; } = "/usr/lib/postgresql/15/bin";

    /// <summary>The run's own directory (config, password file); set by the harness once created.</summary>
    public string WorkDirectory { get; init; } = Path.GetTempPath();

    public int OpenTargets => Targets * OpenPercent / 100;
    public int BlackHoleTargets => Targets * BlackHolePercent / 100;
    public int RefusedTargets => Targets - OpenTargets - BlackHoleTargets;

    /// <summary>Length of each measured phase.</summary>
    public TimeSpan PhaseLength => Interval * MeasuredIntervals;

    /// <summary>An upper bound on the whole run, after which everything is stopped regardless.</summary>
    public TimeSpan RunDeadline =>
        TimeSpan.FromSeconds(90) + (Interval * (WarmupIntervals + 2)) + ConnectTimeout + (PhaseLength * 2) + TimeSpan.FromSeconds(60);

    public const string Usage = """
        Usage: dotnet run -c Release --project tests/PgReachExporter.LoadHarness -- [options]

          --targets N              number of loopback targets (default 1000)
          --mix OPEN,REFUSED,HOLE  percentages of open, refused and black-holed targets (default 60,25,15)
          --interval DURATION      probe interval written to the agent's config (default 15s)
          --connect-timeout DUR    connect timeout written to the agent's config (default 3s)
          --warmup-intervals N     intervals to let run after every target has reported once (default 1)
          --intervals N            intervals in each measured phase (default 3)
          --scrapes N              /metrics requests spread over the scrape phase (default 200)
          --no-scrape-phase        measure probes only
          --agent PATH             PgReachExporter.dll, or a native (AOT) PgReachExporter executable, to start
                                   (default: the Release build of src/PgReachExporter)
          --agent-env NAME=VALUE   environment variable for the agent process (repeatable), e.g. DOTNET_GCgen0size=0x400000
          --blackbox PATH          also run this blackbox exporter (e.g. /usr/bin/prometheus-blackbox-exporter) with a
                                   tcp_connect module and drive its /probe for every target once per interval during
                                   the probe phase; reports its CPU per probe and the agent's ratio to it
          --open-login KIND        what the open targets' logins meet: fake (default; harness listeners that reject
                                   as a missing pg_hba.conf line does), scram (a real PostgreSQL server, scram-sha-256
                                   login that succeeds) or hba (the same server, no pg_hba.conf line matches)
          --postgres-bin DIR       PostgreSQL's bin directory for --open-login scram|hba
                                   (default /usr/lib/postgresql/15/bin; run as the postgres OS user when root)

        Durations: 15s, 500ms, 2m or plain seconds. Exit code 0 when every goal is met, 1 when one is missed, 2 on error.
        """;

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public static HarnessOptions Parse(string[] args)
    {
        var options = new HarnessOptions { AgentAssembly = DefaultAgentAssembly() };
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            options = name switch
            {
                "--targets" => options with { Targets = Positive(name, Value()) },
                "--mix" => WithMix(options, name, Value()),
                "--interval" => options with { Interval = Duration(name, Value()) },
                "--connect-timeout" => options with { ConnectTimeout = Duration(name, Value()) },
                "--warmup-intervals" => options with { WarmupIntervals = NonNegative(name, Value()) },
                "--intervals" => options with { MeasuredIntervals = Positive(name, Value()) },
                "--scrapes" => options with { Scrapes = Positive(name, Value()) },
                "--no-scrape-phase" => options with { SkipScrapePhase = true },
                "--agent" => options with { AgentAssembly = Path.GetFullPath(Value()) },
                "--agent-env" => AddEnvironment(options, environment, name, Value()),
                "--blackbox" => options with { Blackbox = Executable(name, Value()) },
                "--open-login" => options with { OpenLogin = Value() switch
                {
                    "fake" => OpenLogin.Fake,
                    "scram" => OpenLogin.Scram,
                    "hba" => OpenLogin.Hba,
                    var other => throw new ArgumentException($"{name} must be fake, scram or hba, got '{other}'"),
                } },
                "--postgres-bin" => options with { PostgresBin = ExistingDirectory(name, Value()) },
                _ => throw new ArgumentException($"unknown option '{name}'"),
            };
        }

        if (options.ConnectTimeout >= options.Interval)
        {
            throw new ArgumentException("--connect-timeout must be shorter than --interval");
        }

        if (!File.Exists(options.AgentAssembly))
        {
            throw new ArgumentException($"agent '{options.AgentAssembly}' does not exist; build it first: dotnet build -c Release");
        }

        return options with { AgentEnvironment = environment };
    }

    private static HarnessOptions WithMix(HarnessOptions options, string name, string value)
    {
        var parts = value.Split(',');
        if (parts.Length != 3 || !parts.All(p => int.TryParse(p, CultureInfo.InvariantCulture, out var n) && n >= 0) || parts.Sum(int.Parse) != 100)
        {
            throw new ArgumentException($"{name} must be three whole percentages adding up to 100, got '{value}'");
        }

        return options with { OpenPercent = int.Parse(parts[0]), RefusedPercent = int.Parse(parts[1]), BlackHolePercent = int.Parse(parts[2]) };
    }

    private static HarnessOptions AddEnvironment(HarnessOptions options, Dictionary<string, string> environment, string name, string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ArgumentException($"{name} must be NAME=VALUE, got '{value}'");
        }

        environment[value[..equals]] = value[(equals + 1)..];
        return options;
    }

    private static string Executable(string name, string value) =>
        File.Exists(value) ? Path.GetFullPath(value) : throw new ArgumentException($"{name}: '{value}' does not exist (Debian: apt-get install prometheus-blackbox-exporter)");

    private static string ExistingDirectory(string name, string value) =>
        Directory.Exists(value) ? Path.GetFullPath(value) : throw new ArgumentException($"{name}: '{value}' is not a directory");

    private static int Positive(string name, string value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{name} must be a positive whole number, got '{value}'");

    private static int NonNegative(string name, string value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : throw new ArgumentException($"{name} must be a whole number, got '{value}'");

    private static TimeSpan Duration(string name, string value)
    {
        var (number, factor) = value.EndsWith("ms", StringComparison.Ordinal) ? (value[..^2], 0.001)
            : value.EndsWith('s') ? (value[..^1], 1.0)
            : value.EndsWith('m') ? (value[..^1], 60.0)
            : (value, 1.0);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0
            ? TimeSpan.FromSeconds(amount * factor)
            : throw new ArgumentException($"{name} must be a positive duration such as 15s or 500ms, got '{value}'");
    }

    private static string DefaultAgentAssembly() =>
        typeof(HarnessOptions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "AgentAssembly")?.Value
        ?? throw new InvalidOperationException("the harness was built without the AgentAssembly metadata");
}

using System.Globalization;
using System.Reflection;

namespace PgReachExporter.Soak;

/// <summary>What one soak run does: how long, against how many clusters and targets, which agent, and the pass limits.</summary>
internal sealed record SoakOptions
{
    public double Minutes { get; init; } = 30;
    public int Clusters { get; init; } = 3;
    public int Targets { get; init; } = 50;
    public int Seed { get; init; } = 12;
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan EventGap { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan? Warmup { get; init; }
    public double MaxRssSlopeMbPerHour { get; init; } = 20;
    public double MinRssGrowthMb { get; init; } = 5;
    public double MaxGrowthPercent { get; init; } = 20;
    public int? PostgresMajor { get; init; }
    public string? ReportFile { get; init; }
    public required string AgentPath { get; init; }

    public TimeSpan Duration => TimeSpan.FromMinutes(Minutes);

    /// <summary>Memory, threads and descriptors settle first (JIT, pools, the first GCs): a fifth of the run, 30 s to 5 min.</summary>
    public TimeSpan WarmupLength => Warmup ?? TimeSpan.FromSeconds(Math.Clamp(Duration.TotalSeconds / 5, 30, 300));

    /// <summary>An upper bound on the whole run, after which everything is stopped regardless.</summary>
    public TimeSpan RunDeadline => Duration + TimeSpan.FromMinutes(10);

    public const string Usage = """
        Usage: dotnet run -c Release --project tests/PgReachExporter.Soak -- [options]

          --minutes N              length of the chaos phase (default 30)
          --clusters N             PostgreSQL clusters to start on loopback (default 3)
          --targets N              targets in the agent's config (default 50, at least 10)
          --seed N                 seed of the chaos schedule (default 12)
          --interval DURATION      probe interval written to the agent's config (default 2s)
          --connect-timeout DUR    connect timeout written to the agent's config (default 1s)
          --event-gap DURATION     mean pause between injected events (default 10s; each gap is 0.5x to 1.5x)
          --warmup DURATION        excluded from the growth figures (default a fifth of the run, 30s to 5m)
          --max-rss-slope MB       resident memory slope after warm-up that fails the run, MB per hour (default 20)
          --min-rss-growth MB      ... only when the fitted growth over the measured window is also above this (default 5)
          --max-growth-percent N   thread or fd growth from warm-up that fails the run (default 20)
          --pg-major N             PostgreSQL major to run (default 15 when present, else the lowest found)
          --agent PATH             PgReachExporter.dll, or a native PgReachExporter executable (default: the Release build)
          --report FILE            also write the report to FILE

        Durations: 15s, 500ms, 2m or plain seconds. Exit code 0 when every check passes, 1 when one fails, 2 when the run itself failed.
        """;

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public static SoakOptions Parse(string[] args)
    {
        var options = new SoakOptions { AgentPath = DefaultAgent() };
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            options = name switch
            {
                "--minutes" => options with { Minutes = Number(name, Value()) },
                "--clusters" => options with { Clusters = (int)Number(name, Value()) },
                "--targets" => options with { Targets = (int)Number(name, Value()) },
                "--seed" => options with { Seed = (int)Number(name, Value()) },
                "--interval" => options with { Interval = ParseDuration(name, Value()) },
                "--connect-timeout" => options with { ConnectTimeout = ParseDuration(name, Value()) },
                "--event-gap" => options with { EventGap = ParseDuration(name, Value()) },
                "--warmup" => options with { Warmup = ParseDuration(name, Value()) },
                "--max-rss-slope" => options with { MaxRssSlopeMbPerHour = Number(name, Value()) },
                "--min-rss-growth" => options with { MinRssGrowthMb = Number(name, Value()) },
                "--max-growth-percent" => options with { MaxGrowthPercent = Number(name, Value()) },
                "--pg-major" => options with { PostgresMajor = (int)Number(name, Value()) },
                "--agent" => options with { AgentPath = Path.GetFullPath(Value()) },
                "--report" => options with { ReportFile = Path.GetFullPath(Value()) },
                _ => throw new ArgumentException($"unknown option '{name}'"),
            };
        }

        if (options.Targets < 10 || options.Clusters < 1 || options.Clusters > 10)
        {
            throw new ArgumentException("--targets must be at least 10 and --clusters from 1 to 10");
        }

        if (options.Targets * 40 / 100 < options.Clusters)
        {
            throw new ArgumentException("every cluster needs a healthy target: --targets must be at least 2.5 x --clusters");
        }

        if (options.ConnectTimeout >= options.Interval)
        {
            throw new ArgumentException("--connect-timeout must be shorter than --interval");
        }

        if (options.WarmupLength >= options.Duration)
        {
            throw new ArgumentException("--warmup must be shorter than the run (--minutes)");
        }

        return File.Exists(options.AgentPath)
            ? options
            : throw new ArgumentException($"agent '{options.AgentPath}' does not exist; build it first: dotnet build PgReachExporter.sln -c Release");
    }

    private static double Number(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} must be a positive number, got '{value}'");

    private static TimeSpan ParseDuration(string name, string value)
    {
        var (number, factor) = value.EndsWith("ms", StringComparison.Ordinal) ? (value[..^2], 0.001)
            : value.EndsWith('s') ? (value[..^1], 1.0)
            : value.EndsWith('m') ? (value[..^1], 60.0)
            : (value, 1.0);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0
            ? TimeSpan.FromSeconds(amount * factor)
            : throw new ArgumentException($"{name} must be a positive duration such as 15s or 500ms, got '{value}'");
    }

    private static string DefaultAgent() =>
        typeof(SoakOptions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "AgentAssembly")?.Value
        ?? throw new InvalidOperationException("the soak was built without the AgentAssembly metadata");
}

namespace PgReachExporter.LoadHarness;

/// <summary>What one measured phase saw of the agent.</summary>
internal sealed record PhaseResult
{
    public required string Name { get; init; }
    public required TimeSpan Length { get; init; }
    public required TimeSpan Cpu { get; init; }

    /// <summary>CPU used by processes other than the agent and the harness: other load skews the figures.</summary>
    public required TimeSpan OtherCpu { get; init; }
    public required double TcpProbes { get; init; }
    public required double LoginProbes { get; init; }
    public required double Overruns { get; init; }

    /// <summary>Garbage collections of generation 0, 1 and 2 during the phase, from dotnet_collection_count_total.</summary>
    public required double[] Collections { get; init; }
    public required int OverrunLogLines { get; init; }

    /// <summary>Longest time, over every scrape and target, since the start of the target's last completed cycle.</summary>
    public required TimeSpan MaxStaleness { get; init; }

    /// <summary>Targets that at some scrape had no completed cycle or one older than interval plus connect timeout.</summary>
    public required int LateTargets { get; init; }

    public required double MinCyclesPerTarget { get; init; }
    public required double MaxCyclesPerTarget { get; init; }
    public required double ExpectedCyclesPerTarget { get; init; }
    public required TimeSpan MaxCycleDuration { get; init; }
    public required IReadOnlyList<Scrape> Scrapes { get; init; }
    public required long MaxRssBytes { get; init; }
    public required ProcessSample End { get; init; }

    public double CpuMillisecondsPerTcpProbe => TcpProbes > 0 ? Cpu.TotalMilliseconds / TcpProbes : double.NaN;

    public double CpuMillisecondsPerCycle => LoginProbes > 0 ? Cpu.TotalMilliseconds / LoginProbes : double.NaN;

    /// <summary>Agent CPU as a share of one core.</summary>
    public double CpuShareOfOneCore => Cpu / Length;
}

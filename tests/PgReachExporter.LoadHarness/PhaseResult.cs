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

    /// <summary>CPU the harness itself used: its listeners, its scrapes and, when run, driving the blackbox exporter.</summary>
    public required TimeSpan HarnessCpu { get; init; }

    /// <summary>The blackbox exporter over the same window, when the run drives it side by side.</summary>
    public PeerResult? Peer { get; init; }

    /// <summary>
    /// Agent CPU per whole check of a target (DNS, a TCP probe per address, the login unless skipped, the TLS probe,
    /// the verdict and the metrics, and one scrape per interval): every harness target has one address, so its TCP
    /// probes count its checks.
    /// </summary>
    public double CpuMillisecondsPerCheck => TcpProbes > 0 ? Cpu.TotalMilliseconds / TcpProbes : double.NaN;

    /// <summary>Agent CPU as a share of one core.</summary>
    public double CpuShareOfOneCore => Cpu / Length;
}

/// <summary>What the blackbox exporter did over a phase: its CPU and how many <c>/probe</c> requests it answered.</summary>
internal sealed record PeerResult(TimeSpan Cpu, long Probes, long Succeeded, long Errors, long MaxRssBytes, ProcessSample End)
{
    public double CpuMillisecondsPerProbe => Probes > 0 ? Cpu.TotalMilliseconds / Probes : double.NaN;
}

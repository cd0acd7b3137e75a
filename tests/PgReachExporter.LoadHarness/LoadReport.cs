using System.Globalization;
using System.Runtime.InteropServices;

namespace PgReachExporter.LoadHarness;

/// <summary>
/// The figures of one run as a Markdown table, compared with the goals that apply to its size: the foundation's at up
/// to 1,000 targets, the fleet issue's above (<see cref="LoadGoals"/>).
/// </summary>
internal sealed class LoadReport(HarnessOptions options, TimeSpan firstRound, PhaseResult probes, PhaseResult? scrapes, AgentProcess agent, long openConnections)
{
    private readonly List<string[]> _rows = [];
    private readonly List<string> _missed = [];

    public IReadOnlyList<string> MissedGoals => _missed;

    public void Write(TextWriter output)
    {
        var goals = LoadGoals.For(options);
        var latencies = scrapes?.Scrapes.Select(s => s.Latency.TotalMilliseconds).Order().ToArray() ?? [];
        var last = scrapes ?? probes;
        var gcHeap = last.Scrapes[^1].Page.Single("dotnet_total_memory_bytes");
        var onSchedule = probes.Overruns == 0 && probes.LateTargets == 0 && (scrapes is null || (scrapes.Overruns == 0 && scrapes.LateTargets == 0));
        var peakRss = last.End.PeakRssBytes;

        Row("Targets (open / refused / black-holed)", $"{options.Targets} ({options.OpenTargets} / {options.RefusedTargets} / {options.BlackHoleTargets})");
        Row("Interval / connect timeout", $"{Seconds(options.Interval)} / {Seconds(options.ConnectTimeout)}");
        Goal("Agent listening after start", Seconds(agent.ListeningAfter), $"<= {Seconds(goals.Listening)}", agent.ListeningAfter <= goals.Listening, "listening within 5 s");
        var firstRoundLimit = options.Interval + options.ConnectTimeout;
        if (goals.FirstRoundWithinInterval)
        {
            Goal("Every target's first cycle done, after the agent's start", Seconds(firstRound), $"<= interval + timeout ({Seconds(firstRoundLimit)})", firstRound <= firstRoundLimit, "first verdicts within one interval plus the timeout");
        }
        else
        {
            Row("Every target's first cycle done, after the agent's start", Seconds(firstRound));
        }

        Row("Cycles per target in the probe phase", $"{probes.MinCyclesPerTarget:0}-{probes.MaxCyclesPerTarget:0} (expected {probes.ExpectedCyclesPerTarget:0.0})");
        Goal("Overruns / late targets (probe phase)", $"{probes.Overruns:0} / {probes.LateTargets}", "0 / 0", onSchedule, "cycles complete every interval");
        if (scrapes is not null)
        {
            Row("Overruns / late targets (scrape phase)", $"{scrapes.Overruns:0} / {scrapes.LateTargets}", "0 / 0");
        }

        var staleness = scrapes is null || probes.MaxStaleness > scrapes.MaxStaleness ? probes.MaxStaleness : scrapes.MaxStaleness;
        Row("Longest time since a target's last cycle start", $"{Seconds(staleness)} (limit {Seconds(options.Interval + options.ConnectTimeout)} + 1s)");
        Row("Longest cycle", Seconds(scrapes is null || probes.MaxCycleDuration > scrapes.MaxCycleDuration ? probes.MaxCycleDuration : scrapes.MaxCycleDuration));
        Row("Checks (one TCP probe each) / login attempts in the probe phase", $"{probes.TcpProbes:0} / {probes.LoginProbes:0} over {Seconds(probes.Length)}");
        var logins = probes.Scrapes[^1].Page.CurrentCounts("pgreach_login_result", "result");
        Row("Targets by login result at the end of the probe phase", string.Join(", ", logins.Select(l => $"{l.Key} {l.Value}")));
        Row("Agent CPU in the probe phase", $"{probes.Cpu.TotalSeconds:0.00}s ({probes.CpuShareOfOneCore:P1} of one core)");
        Row("Other processes' CPU in the probe phase", $"{Math.Max(0, probes.OtherCpu / probes.Length):P1} of one core, harness {probes.HarnessCpu / probes.Length:P1} (other load skews the figures)");
        if (goals.CpuPerCheckMs is { } cpuGoal)
        {
            Goal("Agent CPU per whole check (DNS, TCP, login, TLS, verdict, metrics)", $"{probes.CpuMillisecondsPerCheck:0.000} ms (includes one scrape per interval)",
                $"under {cpuGoal:0} ms", probes.CpuMillisecondsPerCheck < cpuGoal, "CPU per check under 1 ms");
        }
        else
        {
            Row("Agent CPU per whole check (DNS, TCP, login, TLS, verdict, metrics)", $"{probes.CpuMillisecondsPerCheck:0.000} ms (includes one scrape per interval)");
        }

        if (probes.Peer is { } peer)
        {
            Row("Blackbox exporter: tcp_connect probes answered / succeeded / failed requests", $"{peer.Probes:N0} / {peer.Succeeded:N0} / {peer.Errors:N0}");
            Row("Blackbox exporter CPU in the probe phase", $"{peer.Cpu.TotalSeconds:0.00}s ({peer.Cpu / probes.Length:P1} of one core)");
            Row("Blackbox exporter CPU per tcp_connect probe", $"{peer.CpuMillisecondsPerProbe:0.000} ms");
            var ratio = probes.CpuMillisecondsPerCheck / peer.CpuMillisecondsPerProbe;
            Goal("Agent CPU per check / blackbox CPU per probe", $"{ratio:0.00}", "<= 1 (moonshot 0.5)", ratio <= 1, "CPU per check no higher than the blackbox exporter's per probe");
            Row("Blackbox exporter resident memory: end / max sampled", $"{Mb(peer.End.RssBytes)} / {Mb(peer.MaxRssBytes)}");
        }

        if (scrapes is not null)
        {
            var extraScrapes = scrapes.Scrapes.Count - (probes.Scrapes.Count * scrapes.Length / probes.Length);
            var extraCpu = scrapes.Cpu - (probes.Cpu * (scrapes.Length / probes.Length));
            Row("CPU per /metrics scrape", $"{extraCpu.TotalMilliseconds / extraScrapes:0.0} ms (from the scrape phase's extra CPU)");
            var p95 = Percentile(latencies, 0.95);
            Goal("/metrics latency p50 / p95 / max", $"{Percentile(latencies, 0.5):0.0} / {p95:0.0} / {latencies[^1]:0.0} ms ({latencies.Length} scrapes)",
                $"p95 < {goals.P95Ms:0} ms", p95 < goals.P95Ms, $"/metrics p95 under {goals.P95Ms:0} ms");
            Row("/metrics response size", $"{scrapes.Scrapes[^1].Bytes / 1024.0:0} KiB ({scrapes.Scrapes[^1].Bytes:N0} bytes, uncompressed)");
        }

        Goal("Resident memory: end / max sampled / peak (VmHWM)", $"{Mb(last.End.RssBytes)} / {Mb(Math.Max(probes.MaxRssBytes, last.MaxRssBytes))} / {Mb(peakRss)}",
            $"<= {goals.RssMb:0} MB", peakRss <= goals.RssMb * 1_000_000, $"resident memory within {goals.RssMb:0} MB");
        Row("Resident memory per target (peak)", $"{peakRss / (double)options.Targets / 1000:0.0} kB");
        Row("Resident: anonymous / file-backed / shared", $"{Mb(last.End.RssAnonBytes)} / {Mb(last.End.RssFileBytes)} / {Mb(last.End.RssShmemBytes)}");
        Row("GC heap (dotnet_total_memory_bytes)", gcHeap is { } heap ? Mb((long)heap) : "not exported");
        Row("Garbage collections in the probe phase (gen 0 / 1 / 2)", string.Join(" / ", probes.Collections.Select(c => c.ToString("0", CultureInfo.InvariantCulture))));
        Row("Threads", last.End.Threads.ToString(CultureInfo.InvariantCulture));
        Row("Connections the rejecting listeners accepted", openConnections.ToString("N0", CultureInfo.InvariantCulture));
        Goal("Agent stop after SIGTERM", agent.StopDuration is { } stop ? Seconds(stop) : "not stopped in 15s", $"<= {Seconds(goals.Stop)}",
            agent.StopDuration is { } stopped && stopped <= goals.Stop, "exit within 5 s of SIGTERM");
        Row("Agent error log lines", agent.ErrorLines.ToString(CultureInfo.InvariantCulture));

        output.WriteLine();
        output.WriteLine($"Machine: {Machine()}");
        output.WriteLine($"Agent: {options.AgentAssembly}{EnvironmentText()}");
        output.WriteLine($"Goals: {goals.Source}");
        output.WriteLine();
        output.WriteLine("| Figure | Value | Goal |");
        output.WriteLine("| --- | --- | --- |");
        foreach (var row in _rows)
        {
            output.WriteLine($"| {row[0]} | {row[1]} | {row[2]} |");
        }

        output.WriteLine();
        output.WriteLine(_missed.Count == 0 ? "All goals met." : $"Goals missed: {string.Join("; ", _missed)}.");
    }

    private void Row(string figure, string value, string goal = "") => _rows.Add([figure, value, goal]);

    private void Goal(string figure, string value, string goal, bool met, string name)
    {
        Row(figure, value, $"{goal} {(met ? "(met)" : "(MISSED)")}");
        if (!met)
        {
            _missed.Add(name);
        }
    }

    private string EnvironmentText() =>
        options.AgentEnvironment.Count == 0 ? "" : " with " + string.Join(" ", options.AgentEnvironment.Select(e => $"{e.Key}={e.Value}"));

    private static double Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string Seconds(TimeSpan value) => $"{value.TotalSeconds:0.00}s";

    private static string Mb(long bytes) => $"{bytes / 1_000_000.0:0.0} MB";

    private static string Machine()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{Environment.ProcessorCount} cores{(model is null ? "" : $" ({model})")}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }
}

/// <summary>The goals a run is held to: the foundation issue's at up to 1,000 targets, the fleet issue's above.</summary>
internal sealed record LoadGoals(string Source, double P95Ms, double RssMb, double? CpuPerCheckMs, bool FirstRoundWithinInterval, TimeSpan Listening, TimeSpan Stop)
{
    public const int FoundationTargets = 1000;

    public static LoadGoals For(HarnessOptions options) => options.Targets <= FoundationTargets
        ? new("foundation (up to 1,000 targets)", P95Ms: 50, RssMb: 100, CpuPerCheckMs: 1, FirstRoundWithinInterval: false, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5))
        : new("fleet scale (over 1,000 targets)", P95Ms: 1000, RssMb: 250, CpuPerCheckMs: null, FirstRoundWithinInterval: true, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
}

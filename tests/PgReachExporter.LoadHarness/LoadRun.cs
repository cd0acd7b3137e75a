namespace PgReachExporter.LoadHarness;

/// <summary>
/// Drives the measured part of a run against a started agent: a warm-up until every target has reported and the
/// JIT has settled, a probe phase scraped once per interval as Prometheus would, and a scrape phase that times
/// many /metrics requests spread over the same length of time.
/// </summary>
internal sealed class LoadRun(HarnessOptions options, AgentProcess agent, IReadOnlyList<LoadTarget> targets, TextWriter log)
{
    public const string LastProbe = "pgreach_last_probe_timestamp_seconds";
    public const string TcpProbes = "pgreach_tcp_probes_total";
    public const string LoginProbes = "pgreach_login_probes_total";
    public const string Overruns = "pgreach_probe_overruns_total";
    public const string CycleDuration = "pgreach_probe_cycle_duration_seconds";
    public const string Collections = "dotnet_collection_count_total";
    public const string ProcessStart = "process_start_time_seconds";

    private static readonly TimeSpan WarmupPoll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    private TimeSpan StalenessLimit => options.Interval + options.ConnectTimeout + Slack;

    /// <summary>Waits until every target has completed a cycle, then lets the agent run for the warm-up intervals.</summary>
    /// <param name="firstRoundDone">Called once every target has reported, before the warm-up intervals.</param>
    public async Task<TimeSpan> WarmUpAsync(AgentScraper scraper, Action firstRoundDone, CancellationToken cancellation)
    {
        var started = DateTimeOffset.UtcNow;
        var limit = started + options.Interval + options.ConnectTimeout + TimeSpan.FromSeconds(30);
        Scrape? lastScrape = null;
        while (true)
        {
            var scrape = await scraper.ScrapeAsync(cancellation).ConfigureAwait(false);
            lastScrape = scrape;
            var reported = scrape.Page.ByTarget(LastProbe).Count;
            // The way there, so that a slow first round shows whether the agent or its scrapes were slow.
            log.WriteLine($"  {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0}s: {reported} of {targets.Count} targets reported; /metrics answered in {scrape.Latency.TotalMilliseconds:0} ms ({scrape.Bytes / 1024} KiB)");
            if (reported >= targets.Count)
            {
                break;
            }

            if (DateTimeOffset.UtcNow > limit)
            {
                throw new InvalidOperationException($"only {reported} of {targets.Count} targets completed a first cycle by {limit - started:g}");
            }

            await Task.Delay(WarmupPoll, cancellation).ConfigureAwait(false);
        }

        var polled = DateTimeOffset.UtcNow - started;
        var firstRound = FirstRoundFromAgent(lastScrape!.Page) ?? polled;
        log.WriteLine($"all {targets.Count} targets reported after {polled.TotalSeconds:0.0}s (polled); the first round ended {firstRound.TotalSeconds:0.00}s after the agent started; warming up for {options.WarmupIntervals} interval(s)");
        firstRoundDone();
        await Task.Delay(options.Interval * options.WarmupIntervals, cancellation).ConfigureAwait(false);
        return firstRound;
    }

    /// <summary>
    /// When the last target's first cycle ended, counted from the agent's start, from the agent's own figures on the
    /// page where every target had reported: a target with one cycle so far ended it at its cycle's start plus its
    /// duration; a target with two or more started its first at least an interval before, so ended it earlier. Null
    /// without the cycle durations (the lean profile), where the polled time stands.
    /// </summary>
    private TimeSpan? FirstRoundFromAgent(MetricsPage page)
    {
        var (starts, durations, probes) = (page.ByTarget(LastProbe), page.ByTarget(CycleDuration), page.ByTarget(TcpProbes));
        if (page.Single(ProcessStart) is not { } agentStart || durations.Count < targets.Count)
        {
            return null;
        }

        var end = targets.Where(t => probes.GetValueOrDefault(t.Name) <= 1).Max(t => starts[t.Name] + durations[t.Name]);
        return TimeSpan.FromSeconds(end - agentStart);
    }

    /// <summary>Probes only, with one scrape per interval: the CPU, schedule and memory figures.</summary>
    /// <param name="peer">The blackbox exporter probing the same targets at the same time, sampled at the same moments.</param>
    public Task<PhaseResult> ProbePhaseAsync(AgentScraper scraper, BlackboxPeer? peer, CancellationToken cancellation) =>
        PhaseAsync("probes", scraper, options.MeasuredIntervals + 1, options.Interval, cancellation, peer);

    /// <summary>Many scrapes spread evenly over the same length: the /metrics latency figures.</summary>
    public Task<PhaseResult> ScrapePhaseAsync(AgentScraper scraper, CancellationToken cancellation) =>
        PhaseAsync("scrapes", scraper, options.Scrapes + 1, options.PhaseLength / options.Scrapes, cancellation, peer: null);

    private async Task<PhaseResult> PhaseAsync(string name, AgentScraper scraper, int scrapeCount, TimeSpan spacing, CancellationToken cancellation, BlackboxPeer? peer)
    {
        log.WriteLine($"phase '{name}': {scrapeCount} scrapes {spacing.TotalMilliseconds:0}ms apart");
        var scrapes = new List<Scrape>(scrapeCount);
        var late = new HashSet<string>(StringComparer.Ordinal);
        var maxStaleness = TimeSpan.Zero;
        var maxCycle = 0.0;
        var maxRss = 0L;
        var start = DateTimeOffset.UtcNow;
        ProcessSample? first = null;
        ProcessSample last = null!;
        MachineSample? machineFirst = null;
        MachineSample machineLast = null!;
        PeerSample? peerFirst = null;
        PeerSample? peerLast = null;
        var peerMaxRss = 0L;
        for (var i = 0; i < scrapeCount; i++)
        {
            var due = start + (spacing * i);
            if (due > DateTimeOffset.UtcNow)
            {
                await Task.Delay(due - DateTimeOffset.UtcNow, cancellation).ConfigureAwait(false);
            }

            var scrape = await scraper.ScrapeAsync(cancellation).ConfigureAwait(false);
            last = ProcessSample.Read(agent.Id);
            machineLast = MachineSample.Read();
            if (peer is not null)
            {
                peerLast = new PeerSample(ProcessSample.Read(peer.Id), peer.Completed, peer.Succeeded, peer.Errors);
                peerFirst ??= peerLast;
                peerMaxRss = Math.Max(peerMaxRss, peerLast.Process.RssBytes);
            }

            first ??= last;
            machineFirst ??= machineLast;
            maxRss = Math.Max(maxRss, last.RssBytes);
            scrapes.Add(scrape);
            maxStaleness = Max(maxStaleness, CheckSchedule(scrape.Page, late));
            maxCycle = Math.Max(maxCycle, scrape.Page.Max(CycleDuration));
        }

        // The first scrape opens the window, so the phase's figures cover exactly the scrapes after it.
        var (opening, closing) = (scrapes[0].Page, scrapes[^1].Page);
        // Every harness target has one address, so its TCP probes are its cycles (a login may be skipped, a TCP probe never is).
        var (closingProbes, openingProbes) = (closing.ByTarget(TcpProbes), opening.ByTarget(TcpProbes));
        var cycles = targets.Select(t => closingProbes.GetValueOrDefault(t.Name) - openingProbes.GetValueOrDefault(t.Name)).ToList();
        var length = closing.TakenAt - opening.TakenAt;
        return new PhaseResult
        {
            Name = name,
            Length = length,
            Cpu = last.CpuTime - first!.CpuTime,
            OtherCpu = machineLast.BusyCpu - machineFirst!.BusyCpu - (last.CpuTime - first.CpuTime) - (machineLast.HarnessCpu - machineFirst.HarnessCpu)
                - (peerLast is null ? TimeSpan.Zero : peerLast.Process.CpuTime - peerFirst!.Process.CpuTime),
            Peer = peerLast is null ? null : new PeerResult(
                peerLast.Process.CpuTime - peerFirst!.Process.CpuTime,
                peerLast.Completed - peerFirst.Completed,
                peerLast.Succeeded - peerFirst.Succeeded,
                peerLast.Errors - peerFirst.Errors,
                peerMaxRss,
                peerLast.Process),
            HarnessCpu = machineLast.HarnessCpu - machineFirst.HarnessCpu,
            TcpProbes = closing.Sum(TcpProbes) - opening.Sum(TcpProbes),
            LoginProbes = closing.Sum(LoginProbes) - opening.Sum(LoginProbes),
            Overruns = closing.Sum(Overruns) - opening.Sum(Overruns),
            Collections = [.. Enumerable.Range(0, 3).Select(g => closing.Sum(Collections, g) - opening.Sum(Collections, g))],
            OverrunLogLines = agent.OverrunLines,
            MaxStaleness = maxStaleness,
            LateTargets = late.Count,
            MinCyclesPerTarget = cycles.Min(),
            MaxCyclesPerTarget = cycles.Max(),
            ExpectedCyclesPerTarget = length / options.Interval,
            MaxCycleDuration = TimeSpan.FromSeconds(maxCycle),
            Scrapes = scrapes[1..],
            MaxRssBytes = maxRss,
            End = last,
        };
    }

    /// <summary>Notes every target whose last completed cycle is missing or older than the interval allows.</summary>
    private TimeSpan CheckSchedule(MetricsPage page, HashSet<string> late)
    {
        var lastProbes = page.ByTarget(LastProbe);
        var now = page.TakenAt.ToUnixTimeMilliseconds() / 1000.0;
        var max = TimeSpan.Zero;
        foreach (var target in targets)
        {
            if (!lastProbes.TryGetValue(target.Name, out var startedAt))
            {
                late.Add(target.Name);
                continue;
            }

            var staleness = TimeSpan.FromSeconds(Math.Max(0, now - startedAt));
            max = Max(max, staleness);
            if (staleness > StalenessLimit)
            {
                late.Add(target.Name);
            }
        }

        return max;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed record PeerSample(ProcessSample Process, long Completed, long Succeeded, long Errors);
}

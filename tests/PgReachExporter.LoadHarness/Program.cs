using PgReachExporter.LoadHarness;

HarnessOptions options;
try
{
    options = HarnessOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"loadharness: {ex.Message}");
    Console.Error.WriteLine(HarnessOptions.Usage);
    return 2;
}

// Everything the harness starts is stopped by this deadline at the latest, or on Ctrl+C.
using var cancellation = new CancellationTokenSource(options.RunDeadline);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var log = Console.Out;
var workDirectory = Directory.CreateTempSubdirectory("pgreach-load-");
LoopbackTargets? targets = null;
AgentProcess? agent = null;
BlackboxPeer? blackbox = null;
try
{
    options = options with { WorkDirectory = workDirectory.FullName };
    targets = await LoopbackTargets.OpenAsync(options, cancellation.Token);
    var configFile = Path.Combine(workDirectory.FullName, "pgreach.json");
    targets.WriteAgentConfig(configFile, options);
    log.WriteLine($"{targets.Targets.Count} loopback targets; config {configFile}");

    agent = await AgentProcess.StartAsync(options, configFile, workDirectory.FullName, cancellation.Token);
    log.WriteLine($"agent pid {agent.Id} listening at {agent.BaseAddress}");
    using var scraper = new AgentScraper(agent.BaseAddress);
    var run = new LoadRun(options, agent, targets.Targets, log);
    if (options.Blackbox is { } blackboxExecutable)
    {
        blackbox = await BlackboxPeer.StartAsync(blackboxExecutable, options, workDirectory.FullName, cancellation.Token);
        log.WriteLine($"blackbox exporter pid {blackbox.Id} listening at {blackbox.BaseAddress}");
    }

    // The peer starts probing once every target of the agent has reported, and warms up alongside it.
    var firstRound = await run.WarmUpAsync(scraper, () => blackbox?.StartDriving(targets.Targets, options), cancellation.Token);
    var probes = await run.ProbePhaseAsync(scraper, blackbox, cancellation.Token);
    if (blackbox is not null)
    {
        // Stopped before the scrape phase, whose /metrics latencies are the agent's alone.
        await blackbox.StopDrivingAsync();
    }

    var scrapes = options.SkipScrapePhase ? null : await run.ScrapePhaseAsync(scraper, cancellation.Token);
    await agent.DisposeAsync();

    var report = new LoadReport(options, firstRound, probes, scrapes, agent, targets.OpenConnections);
    report.Write(log);
    return report.MissedGoals.Count == 0 ? 0 : 1;
}
catch (Exception ex)
{
    // Caught here, whatever it is, so that the finally block below always stops the agent and the listeners.
    Console.Error.WriteLine($"loadharness: {ex}");
    if (agent is not null)
    {
        Console.Error.WriteLine("last agent output:");
        Console.Error.WriteLine(agent.RecentOutput);
    }

    if (blackbox is not null)
    {
        Console.Error.WriteLine("last blackbox exporter output:");
        Console.Error.WriteLine(blackbox.RecentOutput);
    }

    return 2;
}
finally
{
    if (blackbox is not null)
    {
        await blackbox.DisposeAsync();
    }

    if (agent is not null)
    {
        await agent.DisposeAsync();
    }

    if (targets is not null)
    {
        await targets.DisposeAsync();
    }

    workDirectory.Delete(recursive: true);
}

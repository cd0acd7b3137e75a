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
try
{
    targets = await LoopbackTargets.OpenAsync(options, cancellation.Token);
    var configFile = Path.Combine(workDirectory.FullName, "pgreach.json");
    targets.WriteAgentConfig(configFile, options);
    log.WriteLine($"{targets.Targets.Count} loopback targets; config {configFile}");

    agent = await AgentProcess.StartAsync(options, configFile, workDirectory.FullName, cancellation.Token);
    log.WriteLine($"agent pid {agent.Id} listening at {agent.BaseAddress}");
    using var scraper = new AgentScraper(agent.BaseAddress);
    var run = new LoadRun(options, agent, targets.Targets, log);
    var firstRound = await run.WarmUpAsync(scraper, cancellation.Token);
    var probes = await run.ProbePhaseAsync(scraper, cancellation.Token);
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

    return 2;
}
finally
{
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

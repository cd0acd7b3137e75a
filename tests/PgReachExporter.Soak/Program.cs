using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using PostgresBinaries = PgReachExporter.Lab.PostgresBinaries;
using PgReachExporter.LoadHarness;
using PgReachExporter.Soak;

SoakOptions options;
try
{
    options = SoakOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"soak: {ex.Message}");
    Console.Error.WriteLine(SoakOptions.Usage);
    return 2;
}

// Everything the soak starts is stopped by this deadline at the latest, or on Ctrl+C / SIGTERM.
using var cancellation = new CancellationTokenSource(options.RunDeadline);
void Interrupt(PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);

var log = Console.Error; // progress on stderr, the report alone on stdout
var root = Directory.CreateTempSubdirectory("pgreach-soak-");
File.SetUnixFileMode(root.FullName, (UnixFileMode)0b111_101_101); // the server user walks through it
var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
var passwordFile = Path.Combine(root.FullName, "app-password");
File.WriteAllText(passwordFile, password);
File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

var clusters = new List<SoakCluster>();
BlackHoleListener? blackHole = null;
SwitchableBlackHole? switched = null;
SoakAgent? agent = null;
AgentSampler? sampler = null;
try
{
    var binaries = options.PostgresMajor is { } major ? PostgresBinaries.ForMajor(major) : PostgresBinaries.Default;
    var template = await SoakCluster.CreateTemplateAsync(binaries, root.FullName, cancellation.Token);
    for (var i = 0; i < options.Clusters; i++)
    {
        clusters.Add(await SoakCluster.StartAsync(binaries, template, root.FullName, $"c{i}", password, cancellation.Token));
        log.WriteLine($"cluster c{i}: {binaries} on 127.0.0.1:{clusters[^1].Port}");
    }

    blackHole = await BlackHoleListener.OpenAsync(TargetPlan.BlackHoleAddress, cancellation.Token);
    switched = await SwitchableBlackHole.OpenAsync(TargetPlan.SwitchedAddress, cancellation.Token);
    var configDirectory = Directory.CreateDirectory(Path.Combine(root.FullName, "config")).FullName;
    var config = new AgentConfigFile(configDirectory, options,
        TargetPlan.Build(options.Targets, clusters, passwordFile, blackHole.EndPoint, switched.EndPoint));
    config.WriteGood();

    var output = new AgentOutput([password]);
    var clock = Stopwatch.StartNew();
    agent = await SoakAgent.StartAsync(options.AgentPath, config.Path, root.FullName, output, cancellation.Token);
    log.WriteLine($"agent pid {agent.Id} at {agent.BaseAddress} with {config.Targets.Count} targets; config {config.Path}");
    sampler = new AgentSampler(agent, clock);
    using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(cancellation.Token);
    var sampling = sampler.RunAsync(stopSampling.Token);

    var everyone = await sampler.WaitForAsync(p => p.Targets("pgreach_last_probe_timestamp_seconds").Count >= config.Targets.Count,
        TimeSpan.FromSeconds(60), cancellation.Token);
    if (everyone is null)
    {
        throw new InvalidOperationException($"not every target completed a first cycle within 60 s{Environment.NewLine}{output.Recent}");
    }

    log.WriteLine($"every target reported after {clock.Elapsed.TotalSeconds:0.0}s; chaos for {options.Minutes:0.##} min, seed {options.Seed}");
    var injector = new ChaosInjector(options, clusters, config, switched, sampler, output, clock);
    var schedule = new ChaosSchedule(options.Seed, options.EventGap, clusters.Count);
    var events = new List<ChaosOutcome>();
    var end = clock.Elapsed + options.Duration;
    var interrupted = false;
    try
    {
        while (clock.Elapsed < end && !agent.HasExited)
        {
            var (kind, cluster, gap) = schedule.Next();
            var outcome = await injector.RunAsync(kind, cluster, cancellation.Token);
            events.Add(outcome);
            log.WriteLine($"{outcome.At:mm\\:ss} {kind} {outcome.Subject}: {(outcome.Seen ? "seen" : "LOST")} after {outcome.Took.TotalSeconds:0.0}s");
            var pause = end - clock.Elapsed < gap ? end - clock.Elapsed : gap;
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, cancellation.Token); // the soak's own pacing between events
            }
        }
    }
    catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
    {
        interrupted = true;
        log.WriteLine("soak: interrupted; stopping everything and reporting what was measured");
    }

    await stopSampling.CancelAsync();
    try
    {
        await sampling;
    }
    catch (OperationCanceledException)
    {
        // The sampling loop ends by cancellation.
    }

    var agentDied = agent.HasExited;
    var ran = clock.Elapsed;
    await agent.DisposeAsync();
    var setup = $"{clusters.Count} x {binaries}, {config.Targets.Count} targets at the end, interval {options.Interval.TotalSeconds:0.#}s, " +
        $"agent {Path.GetFileName(options.AgentPath)}{(agentDied ? $" DIED (exit {agent.ExitCode})" : $", stopped in {agent.StopDuration?.TotalSeconds:0.0}s")}";
    var report = new SoakReport(options, setup, sampler.Resources, sampler, output, events, agentDied, ran);
    Console.Out.Write(report.ToString());
    if (options.ReportFile is not null)
    {
        await File.WriteAllTextAsync(options.ReportFile, report.ToString(), CancellationToken.None);
    }

    return interrupted ? 2 : report.Passed ? 0 : 1;
}
catch (Exception ex)
{
    // Caught here, whatever it is, so that the finally block below always stops the agent, the clusters and the listeners.
    Console.Error.WriteLine($"soak: {(ex is OperationCanceledException ? "interrupted" : ex.ToString())}");
    if (agent is not null)
    {
        Console.Error.WriteLine($"last agent output:{Environment.NewLine}{agent.Output.Recent}");
    }

    return 2;
}
finally
{
    sampler?.Dispose();
    if (agent is not null)
    {
        await agent.DisposeAsync();
    }

    foreach (var cluster in clusters)
    {
        await cluster.DisposeAsync();
    }

    blackHole?.Dispose();
    switched?.Dispose();
    root.Delete(recursive: true);
}

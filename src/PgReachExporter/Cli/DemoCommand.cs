using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PgReachExporter.Configuration;
using PgReachExporter.Lab;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Cli;

/// <summary>
/// `demo`: starts the demo lab (local clusters and sockets in the field guide's failure modes), runs the agent
/// against it and prints where to look. Ctrl+C stops and removes everything it started.
/// </summary>
internal static class DemoCommand
{
    public const string Name = "demo";
    public const string DefaultUrls = "http://127.0.0.1:9930";
    private const int Failed = 1;
    private static readonly TimeSpan LogSourceBound = TimeSpan.FromSeconds(15);

    private const int UsageError = 2;

    /// <summary>The agent's options but --config (the lab writes its own), listening on loopback unless told otherwise.</summary>
    private static readonly CommandSyntax Syntax = new($"{AgentCommandLine.Program} {Name}",
    [
        .. AgentCommandLine.Options
            .Where(o => o.Name != AgentCommandLine.Config.Name)
            .Select(o => o.Name == AgentCommandLine.Urls.Name ? o with { Default = DefaultUrls } : o),
    ]);

    public static string Usage { get; } = $"""
        Usage: {Syntax.Command} [options]

        Starts PostgreSQL clusters on loopback, each in one failure mode, and the agent watching them.
        Ctrl+C stops and removes everything it started.

        Options (the agent's, but --config):
        {Syntax.OptionsText()}
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var invocation = AgentCommandLine.Read(args, Syntax, Usage);
        if (invocation.Problem is { } problem)
        {
            await Console.Error.WriteLineAsync($"pgreach demo: {problem}").ConfigureAwait(false);
            return UsageError;
        }

        if (invocation.Output is { } output)
        {
            Console.WriteLine(output);
            return 0;
        }

        PostgresBinaries binaries;
        try
        {
            binaries = PostgresBinaries.Default;
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync($"pgreach demo: no PostgreSQL server binaries found. {ex.Message}").ConfigureAwait(false);
            return Failed;
        }

        using var stopping = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stopping.Cancel();
        };
        Console.CancelKeyPress += onCancel;

        // SIGTERM (kill, docker stop, a service manager) removes the lab too, at any stage; only SIGKILL leaves it behind.
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stopping.Cancel();
        });
        try
        {
            return await RunLabAsync(binaries, invocation.HostArgs, stopping.Token).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task<int> RunLabAsync(PostgresBinaries binaries, string[] args, CancellationToken stopping)
    {
        DemoLab lab;
        try
        {
            lab = await DemoLab.StartAsync(binaries, message => Console.WriteLine($"demo: {message}"), stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return Failed;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or TimeoutException or Npgsql.NpgsqlException)
        {
            await Console.Error.WriteLineAsync($"pgreach demo: the lab could not start: {ex.Message}").ConfigureAwait(false);
            return Failed;
        }

        await using (lab.ConfigureAwait(false))
        {
            var givesUrls = args.Any(a => a.StartsWith(AgentCommandLine.Urls.Name + "=", StringComparison.OrdinalIgnoreCase));
            string[] agentArgs = [$"{AgentCommandLine.Config.Name}={lab.ConfigFile}", .. givesUrls ? [] : new[] { $"{AgentCommandLine.Urls.Name}={DefaultUrls}" }, .. args];
            WebApplication app;
            try
            {
                app = AgentHost.Build(agentArgs, new LibpqEnvironment(new Dictionary<string, string?>()));
            }
            catch (ConfigurationException ex)
            {
                await Console.Error.WriteLineAsync($"pgreach demo: {ex.Message}").ConfigureAwait(false);
                return Failed;
            }

            await using (app.ConfigureAwait(false))
            {
                await app.StartAsync(stopping).ConfigureAwait(false);
                await WaitForLogSourceAsync(app.Services.GetRequiredService<HostSignalScheduler>(), DemoLab.BindFailureTarget, stopping)
                    .ConfigureAwait(false);
                await lab.StartFailingClusterAsync(stopping).ConfigureAwait(false);
                PrintWelcome(lab, app.Urls.First());
                try
                {
                    await Task.Delay(Timeout.Infinite, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }

                Console.WriteLine("demo: stopping the agent and removing the lab");
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        return 0;
    }

    // The failing cluster's "could not bind" lines are the scenario: started before the agent's first look at that
    // log, they would count as history and be skipped. Bounded: the demo goes on (without the event) rather than hang.
    private static async Task WaitForLogSourceAsync(HostSignalScheduler hostSignals, string target, CancellationToken stopping)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        bound.CancelAfter(LogSourceBound);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (!hostSignals.LogSourceReady(target) && await poll.WaitForNextTickAsync(bound.Token).ConfigureAwait(false))
            {
            }
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"demo: the agent had not looked at the {target} log after {LogSourceBound.TotalSeconds:0} s; starting that cluster anyway")
                .ConfigureAwait(false);
        }
    }

    private static void PrintWelcome(DemoLab lab, string url)
    {
        var baseUrl = url.TrimEnd('/');
        Console.WriteLine();
        Console.WriteLine($"Status page:  {baseUrl}/");
        Console.WriteLine($"Metrics:      {baseUrl}/metrics");
        Console.WriteLine($"JSON API:     {baseUrl}/api/targets");
        Console.WriteLine();
        Console.WriteLine("Targets (first verdicts within a few seconds):");
        foreach (var (target, scenario) in lab.Scenarios)
        {
            Console.WriteLine($"  {target,-22} {scenario}");
        }

        Console.WriteLine();
        Console.WriteLine("Press Ctrl+C to stop and remove everything the demo started.");
    }
}

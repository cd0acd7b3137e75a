using Microsoft.AspNetCore.Builder;
using PgReachExporter.Configuration;
using PgReachExporter.Lab;

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

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine($"usage: {Name} [--urls URL] [agent options]\n\nStarts PostgreSQL clusters on loopback, each in one failure mode, and the agent watching them.");
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
        try
        {
            return await RunLabAsync(binaries, args, stopping.Token).ConfigureAwait(false);
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
            string[] agentArgs = ["--config", lab.ConfigFile, .. args.Contains("--urls") ? [] : new[] { "--urls", DefaultUrls }, .. args];
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

using System.Text.Json;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Scheduling;
using PgReachExporter.Web;

namespace PgReachExporter.Cli;

/// <summary>`diagnose`: one probe cycle against one target, a report on stdout, and an exit status a script can use.</summary>
internal static class DiagnoseCommand
{
    public const string Name = "diagnose";
    public const int Reachable = 0;
    public const int NotReachable = 1;
    public const int UsageError = 2;

    /// <summary>Runs against the console, stopping early on Ctrl-C.</summary>
    public static async Task<int> RunFromConsoleAsync(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return await RunAsync(args, Console.Out, Console.Error, LibpqEnvironment.FromProcess(), TimeProvider.System,
            Directory.GetCurrentDirectory(), cancel.Token).ConfigureAwait(false);
    }

    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextWriter output, TextWriter error, LibpqEnvironment environment, TimeProvider time,
        string workingDirectory, CancellationToken cancellation)
    {
        var arguments = DiagnoseArguments.Parse(args, out var problem);
        if (arguments is null)
        {
            await error.WriteLineAsync($"pgreach diagnose: {problem}\n\n{DiagnoseArguments.Usage}").ConfigureAwait(false);
            return UsageError;
        }

        if (arguments.Help)
        {
            await output.WriteLineAsync(DiagnoseArguments.Usage).ConfigureAwait(false);
            return Reachable;
        }

        TargetDefinition target;
        try
        {
            target = DiagnoseTargetResolver.Resolve(arguments, environment, workingDirectory);
        }
        catch (ConfigurationException ex)
        {
            await error.WriteLineAsync($"pgreach diagnose: {ex.Message}").ConfigureAwait(false);
            return UsageError;
        }

        if (DiagnoseTargetResolver.PasswordWarning(arguments) is { } warning)
        {
            await error.WriteLineAsync($"pgreach diagnose: {warning}").ConfigureAwait(false);
        }

        var status = await ProbeOnceAsync(target, time, cancellation).ConfigureAwait(false);
        if (status is null)
        {
            await error.WriteLineAsync("pgreach diagnose: interrupted").ConfigureAwait(false);
            return NotReachable;
        }

        if (arguments.Json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(status, StatusJsonContext.Readable.TargetStatus)).ConfigureAwait(false);
        }
        else
        {
            await output.WriteAsync(DiagnoseReport.Render(status, target.ConnectTimeout)).ConfigureAwait(false);
        }

        return status.Reachable == true ? Reachable : NotReachable;
    }

    /// <summary>One cycle of every probe, diagnosed; null when cancelled.</summary>
    private static async Task<TargetStatus?> ProbeOnceAsync(TargetDefinition target, TimeProvider time, CancellationToken cancellation)
    {
        await using var session = new TargetProbeSession(target, time);
        try
        {
            var cycle = await session.RunAsync(cancellation).ConfigureAwait(false);
            // Server and host evidence sources join here once the agent has them for ad-hoc targets.
            var verdict = DiagnosisEngine.Diagnose(new DiagnosisInput(target, cycle));
            return TargetStatusMapper.From(new TargetDiagnosis(target, verdict, cycle.StartedAt, cycle, 0));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return null;
        }
    }
}

using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using PgReachExporter.HostSignals;
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
            await error.WriteLineAsync($"pgreach diagnose: {problem}").ConfigureAwait(false);
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

        var status = await ProbeOnceAsync(target, time, error, cancellation).ConfigureAwait(false);
        if (status is null)
        {
            await error.WriteLineAsync(cancellation.IsCancellationRequested ? "pgreach diagnose: interrupted" : "pgreach diagnose: no verdict (see above)")
                .ConfigureAwait(false);
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

    /// <summary>One cycle of the agent's own pipeline with one-shot sources, diagnosed; null when cancelled or when it failed.</summary>
    private static async Task<TargetStatus?> ProbeOnceAsync(TargetDefinition target, TimeProvider time, TextWriter error, CancellationToken cancellation)
    {
        var health = new PipelineHealth();
        await using var server = new OneShotServerEvidence(time, NullLoggerFactory.Instance);
        var pipeline = new TargetPipeline(new OneShotHostEvidence(new ListenerTables(time: time), time), server, [], health,
            new StageFailureWriter(error));
        pipeline.TargetAdded(target);
        await using var session = new TargetProbeSession(target, time);
        try
        {
            var record = await pipeline.RunCycleAsync(target, session, cancellation).ConfigureAwait(false);
            return record?.Verdict is { } verdict
                ? TargetStatusMapper.From(new TargetDiagnosis(target, verdict, record.Cycle.StartedAt, record.Cycle, 0))
                : null;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            pipeline.TargetRemoved(target.Name);
        }
    }
}

using System.Diagnostics;

namespace PgReachExporter.Soak;

/// <summary>The outcome of one finished command; its text is the command's own output, never a secret of ours.</summary>
internal sealed record CommandOutcome(string CommandLine, int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;

    public CommandOutcome ThrowOnFailure() =>
        Succeeded ? this : throw new InvalidOperationException($"`{CommandLine}` exited {ExitCode}: {Output.Trim()}");
}

/// <summary>
/// Runs a command with a bound. Server commands run as the `postgres` OS user when we are root, because initdb,
/// postgres and pg_ctl refuse to run as root (the approach of src/PgReachExporter/Lab/OsCommand.cs).
/// </summary>
internal static class ServerCommand
{
    public const string ServerUser = "postgres";

    public static bool IsRoot { get; } = Environment.UserName == "root";

    public static async Task<CommandOutcome> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout,
        bool asServerUser, string? libraryPath, CancellationToken cancellation)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/", // our own directory may not be readable by the server user
        };
        if (asServerUser && IsRoot)
        {
            // runuser resets part of the environment, so the library path travels through env(1).
            start.FileName = "runuser";
            foreach (var argument in new[] { "-u", ServerUser, "--", "env" })
            {
                start.ArgumentList.Add(argument);
            }

            if (libraryPath is not null)
            {
                start.ArgumentList.Add($"LD_LIBRARY_PATH={libraryPath}");
            }

            start.ArgumentList.Add(program);
        }
        else
        {
            start.FileName = program;
            if (libraryPath is not null)
            {
                start.Environment["LD_LIBRARY_PATH"] = libraryPath;
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var commandLine = $"{program} {string.Join(' ', arguments)}";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"`{commandLine}` did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellation.ThrowIfCancellationRequested();
            throw new TimeoutException($"`{commandLine}` did not finish within {timeout.TotalSeconds:0} s");
        }

        return new(commandLine, process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }
}

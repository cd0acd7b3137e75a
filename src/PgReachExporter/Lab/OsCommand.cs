using System.Diagnostics;

namespace PgReachExporter.Lab;

/// <summary>
/// Runs operating-system commands with a bound; server commands run as the `postgres` OS user when
/// we are root, because initdb, postgres and pg_ctl refuse to run as root.
/// </summary>
internal static class OsCommand
{
    public const string ServerUser = "postgres";

    public static async Task<CommandResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        bool asServerUser = false,
        string? libraryPath = null,
        CancellationToken cancellationToken = default)
    {
        var startInfo = BuildStartInfo(fileName, arguments, asServerUser, libraryPath);
        var commandLine = $"{startInfo.FileName} {string.Join(' ', startInfo.ArgumentList)}";
        using var process = new Process { StartInfo = startInfo };
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"`{commandLine}` did not finish within {timeout.TotalSeconds:0} s");
        }

        return new CommandResult(commandLine, process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    public static async Task<CommandResult> RunCheckedAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        bool asServerUser = false,
        string? libraryPath = null,
        CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(fileName, arguments, timeout, asServerUser, libraryPath, cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? result : throw new InvalidOperationException(result.Describe());
    }

    /// <summary>Synchronous variant for discovery code that runs outside any async context.</summary>
    public static CommandResult Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout, bool asServerUser = false, string? libraryPath = null) =>
        RunAsync(fileName, arguments, timeout, asServerUser, libraryPath).GetAwaiter().GetResult();

    private static ProcessStartInfo BuildStartInfo(string fileName, IEnumerable<string> arguments, bool asServerUser, string? libraryPath)
    {
        var startInfo = new ProcessStartInfo
        {
            RedirectStandardInput = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/", // the caller's directory may not be readable by the server user
        };

        if (asServerUser && Posix.IsRoot)
        {
            // runuser resets part of the environment, so the library path travels through env(1).
            startInfo.FileName = "runuser";
            foreach (var argument in new[] { "-u", ServerUser, "--", "env" })
            {
                startInfo.ArgumentList.Add(argument);
            }

            if (libraryPath is not null)
            {
                startInfo.ArgumentList.Add($"LD_LIBRARY_PATH={libraryPath}");
            }

            startInfo.ArgumentList.Add(fileName);
        }
        else
        {
            startInfo.FileName = fileName;
            if (libraryPath is not null)
            {
                startInfo.Environment["LD_LIBRARY_PATH"] = libraryPath;
            }
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }
}

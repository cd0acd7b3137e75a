using System.Diagnostics;
using System.Text;

namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>A command-line tool the deployment tests run, with the Debian package that provides it.</summary>
internal sealed record ExternalTool(string Command, string DebianPackage)
{
    public static readonly ExternalTool Promtool = new("promtool", "prometheus");
    public static readonly ExternalTool Prometheus = new("prometheus", "prometheus");
    public static readonly ExternalTool Amtool = new("amtool", "prometheus-alertmanager");
    public static readonly ExternalTool Alertmanager = new("prometheus-alertmanager", "prometheus-alertmanager");
    public static readonly ExternalTool DockerCompose = new("docker-compose", "docker-compose");
    public static readonly ExternalTool Bash = new("bash", "bash");
    public static readonly ExternalTool Curl = new("curl", "curl");

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Full path of the tool on PATH; fails the test, naming the package to install, when it is missing.</summary>
    public string Locate()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, Command);
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"'{Command}' is not on PATH. Install the Debian package: apt-get install -y {DebianPackage}");
        return Command;
    }

    /// <summary>Runs the tool to completion, <paramref name="standardInput"/> (if any) on its stdin, and returns its exit code and output.</summary>
    public async Task<ToolResult> RunAsync(
        IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null, string? standardInput = null)
    {
        var startInfo = StartInfo(arguments, workingDirectory);
        if (standardInput is not null)
        {
            startInfo.RedirectStandardInput = true;
            startInfo.StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {Command}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }

        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Describe(startInfo)} did not finish within {timeout ?? DefaultTimeout}.");
        }

        return new ToolResult(Describe(startInfo), process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Start information for a process the caller manages itself (a server the test stops).</summary>
    public ProcessStartInfo StartInfo(IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(Locate())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? RepositoryLayout.Root,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    private static string Describe(ProcessStartInfo startInfo) =>
        $"{Path.GetFileName(startInfo.FileName)} {string.Join(' ', startInfo.ArgumentList)}";

    private static bool IsExecutable(string path) =>
        OperatingSystem.IsWindows()
        || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}

/// <summary>Exit code and output of one tool run.</summary>
internal sealed record ToolResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + StandardError;

    public override string ToString() => $"{CommandLine} exited {ExitCode}:\n{Output}";
}

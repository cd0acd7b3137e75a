using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace PgReachExporter.IntegrationTests.Agent;

/// <summary>The agent as a separate process (the built PgReachExporter.dll), for exit codes and everything it prints.</summary>
public sealed partial class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AgentProcess(Process process) => _process = process;

    public static string AgentDll => Path.Combine(AppContext.BaseDirectory, "PgReachExporter.dll");

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="args">The agent's arguments.</param>
    /// <param name="environment">Variables to set for it.</param>
    /// <param name="launcher">A command that runs the agent (it execs its arguments), e.g. setpriv to drop capabilities.</param>
    /// <param name="executable">A native build of the agent to run instead of PgReachExporter.dll on the shared runtime.</param>
    /// <param name="workingDirectory">Where the process starts; the test output directory unless given.</param>
    /// <param name="readStandardOutput">False: nothing reads the agent's stdout, as with a log collector that stopped (the pipe fills and stays full).</param>
    public static AgentProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, IReadOnlyList<string>? launcher = null,
        string? executable = null, string? workingDirectory = null, bool readStandardOutput = true)
    {
        string[] command = executable is null ? ["dotnet", AgentDll] : [executable];
        var info = new ProcessStartInfo(launcher is { Count: > 0 } ? launcher[0] : command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        var words = launcher is { Count: > 0 } ? [.. launcher.Skip(1), .. command] : command.Skip(1);
        foreach (var word in words)
        {
            info.ArgumentList.Add(word);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in new[] { "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSSLMODE", "PGCONNECT_TIMEOUT" })
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[name] = value;
        }

        var agent = new AgentProcess(new Process { StartInfo = info, EnableRaisingEvents = true });
        agent._process.OutputDataReceived += (_, e) => agent.Append(e.Data);
        agent._process.ErrorDataReceived += (_, e) => agent.Append(e.Data);
        agent._process.Start();
        if (readStandardOutput)
        {
            agent._process.BeginOutputReadLine();
        }

        agent._process.BeginErrorReadLine();
        return agent;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups["url"].Value));
        }
    }

    /// <summary>The address the agent bound, from its own "Now listening on" line.</summary>
    public async Task<Uri> WaitUntilListeningAsync(TimeSpan? timeout = null)
    {
        var exited = _process.WaitForExitAsync();
        var done = await Task.WhenAny(_listening.Task, exited).WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        return done == _listening.Task
            ? await _listening.Task
            : throw new InvalidOperationException($"The agent exited with {_process.ExitCode} before listening:\n{Output}");
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Sends a signal, e.g. SIGINT as Ctrl+C in a terminal does.</summary>
    public void Signal(int signal) => Posix.Signal(_process.Id, signal);

    /// <summary>Waits for the process to exit on its own and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: \\?""?(?<url>https?://[^\s""\\]+)")]
    private static partial Regex ListeningLine();
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace PgReachExporter.LoadHarness;

/// <summary>
/// The agent under load, started as its own process on port 0; its address is learnt from its "Now listening on:"
/// log line. Its output is drained continuously (a full pipe would stall it) and the last lines are kept for errors.
/// </summary>
internal sealed partial class AgentProcess : IAsyncDisposable
{
    private const int KeptLines = 40;
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lastLines = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _overrunLines;
    private int _errorLines;
    private bool _disposed;

    private AgentProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>Warning lines about cycles longer than their interval.</summary>
    public int OverrunLines => Volatile.Read(ref _overrunLines);

    /// <summary>Log lines at error level, which a healthy run has none of.</summary>
    public int ErrorLines => Volatile.Read(ref _errorLines);

    /// <summary>How long the agent took to exit after SIGTERM, once stopped.</summary>
    public TimeSpan? StopDuration { get; private set; }

    public string RecentOutput => string.Join(Environment.NewLine, _lastLines);

    /// <summary>From process start to the agent's "Now listening on" line (its /healthz answers from then on).</summary>
    public TimeSpan ListeningAfter { get; private set; }

    public static async Task<AgentProcess> StartAsync(HarnessOptions options, string configFile, string workingDirectory, CancellationToken cancellation)
    {
        // A .dll runs on the shared runtime; anything else is a native build (dotnet publish -p:PublishAot=true) run as is.
        var managed = options.AgentAssembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo(managed ? "dotnet" : options.AgentAssembly)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments = ["--config", configFile, "--urls", "http://127.0.0.1:0"];
        foreach (var argument in managed ? arguments.Prepend(options.AgentAssembly) : arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in options.AgentEnvironment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var agent = new AgentProcess(process);
        process.OutputDataReceived += (_, e) => agent.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => agent.OnLine(e.Data);
        process.Exited += (_, _) => agent._listening.TrySetException(new InvalidOperationException("the agent exited before it listened"));
        var starting = Stopwatch.StartNew();
        if (!process.Start())
        {
            throw new InvalidOperationException("the agent process did not start");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            agent.BaseAddress = await agent._listening.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellation).ConfigureAwait(false);
            agent.ListeningAfter = starting.Elapsed;
            return agent;
        }
        catch (Exception ex)
        {
            var output = agent.RecentOutput;
            await agent.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"the agent did not start listening: {ex.Message}{Environment.NewLine}{output}", ex);
        }
    }

    public Uri BaseAddress { get; private set; } = null!;

    public bool HasExited => _process.HasExited;

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lastLines.Enqueue(line);
        while (_lastLines.Count > KeptLines && _lastLines.TryDequeue(out _))
        {
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }

        if (line.Contains("longer than its interval", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _overrunLines);
        }

        if (line.Contains(" ERR ", StringComparison.Ordinal) || line.Contains(" FTL ", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _errorLines);
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private const int SigTerm = 15;

    /// <summary>Stops the agent the way a service manager does (SIGTERM), and kills it if it does not exit in time.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                var stopping = Stopwatch.StartNew();
                _ = SendSignal(_process.Id, SigTerm);
                try
                {
                    await _process.WaitForExitAsync().WaitAsync(StopWait).ConfigureAwait(false);
                    StopDuration = stopping.Elapsed;
                }
                catch (TimeoutException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync().WaitAsync(StopWait).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}

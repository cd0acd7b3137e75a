using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PgReachExporter.Soak;

/// <summary>
/// The agent under soak, started as its own process on port 0 with JSON logs (as the load harness's AgentProcess
/// does); its address comes from its "Now listening on" event, and its output is drained into <see cref="AgentOutput"/>.
/// </summary>
internal sealed class SoakAgent : IAsyncDisposable
{
    private const int SigTerm = 15;
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ListenWait = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private bool _disposed;

    private SoakAgent(Process process, AgentOutput output)
    {
        _process = process;
        Output = output;
    }

    public AgentOutput Output { get; }

    public int Id => _process.Id;

    public Uri BaseAddress { get; private set; } = null!;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the agent has stopped (null while it runs).</summary>
    public int? ExitCode { get; private set; }

    /// <summary>How long the agent took to exit after SIGTERM.</summary>
    public TimeSpan? StopDuration { get; private set; }

    public static async Task<SoakAgent> StartAsync(string agentPath, string configFile, string workingDirectory, AgentOutput output, CancellationToken cancellation)
    {
        // A .dll runs on the shared runtime; anything else is a native build run as is.
        var managed = agentPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo(managed ? "dotnet" : agentPath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments = ["--config", configFile, "--urls", "http://127.0.0.1:0", "--PgReach:LogFormat", "json"];
        foreach (var argument in managed ? arguments.Prepend(agentPath) : arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        output.Listening += address => listening.TrySetResult(address);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var agent = new SoakAgent(process, output);
        process.OutputDataReceived += (_, e) => output.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => output.OnLine(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("the agent exited before it listened"));
        if (!process.Start())
        {
            throw new InvalidOperationException("the agent process did not start");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            agent.BaseAddress = await listening.Task.WaitAsync(ListenWait, cancellation).ConfigureAwait(false);
            return agent;
        }
        catch (Exception ex)
        {
            await agent.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"the agent did not start listening: {ex.Message}{Environment.NewLine}{output.Recent}", ex);
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

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
            ExitCode = _process.HasExited ? _process.ExitCode : null;
            _process.Dispose();
        }
    }
}

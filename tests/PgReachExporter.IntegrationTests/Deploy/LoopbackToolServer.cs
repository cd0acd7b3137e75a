using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>
/// A server program from a Debian package (Prometheus, Alertmanager) on a loopback port the OS picks, with a
/// storage directory of its own. The port comes from the program's own "Listening on" log line; disposing
/// kills the process and deletes the directory.
/// </summary>
internal sealed partial class LoopbackToolServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly ExternalTool _tool;
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string? _readyMessage;

    private LoopbackToolServer(ExternalTool tool, Process process, string storage, string? readyMessage)
    {
        _tool = tool;
        _process = process;
        Storage = storage;
        _readyMessage = readyMessage;
    }

    /// <summary>http://127.0.0.1:port/ as the program reported it.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The program's own directory (storage, generated configuration); deleted on dispose.</summary>
    public string Storage { get; }

    /// <summary>Everything the program logged so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="tool"/> with the arguments built for a fresh storage directory, and returns once it
    /// listens (and, when <paramref name="readyMessage"/> is given, once it logged that message).
    /// </summary>
    public static async Task<LoopbackToolServer> StartAsync(ExternalTool tool, Func<string, IEnumerable<string>> arguments, string? readyMessage = null)
    {
        var storage = Directory.CreateTempSubdirectory($"pgreach-{tool.Command}-").FullName;
        var process = new Process { StartInfo = tool.StartInfo(arguments(storage)) };
        var server = new LoopbackToolServer(tool, process, storage, readyMessage);
        process.ErrorDataReceived += (_, line) => server.OnLogLine(line.Data);
        process.OutputDataReceived += (_, line) => server.OnLogLine(line.Data);
        try
        {
            process.Start();
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            var started = Task.WhenAll(server._listening.Task, server._ready.Task);
            var first = await Task.WhenAny(started, process.WaitForExitAsync(), Task.Delay(StartTimeout));
            if (first != started)
            {
                throw new InvalidOperationException(
                    $"{tool.Command} did not report its loopback address{(readyMessage is null ? "" : " and readiness")} within {StartTimeout}:\n{server.Log}");
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        server.BaseAddress = await server._listening.Task;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (IsRunning())
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(StopTimeout);
            }
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(Storage, recursive: true);
        }
    }

    public override string ToString() => $"{_tool.Command} at {BaseAddress}";

    private bool IsRunning()
    {
        try
        {
            return !_process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return false; // never started
        }
    }

    private void OnLogLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }

        var match = ListeningOn().Match(line);
        if (match.Success)
        {
            _listening.TrySetResult(new Uri($"http://{match.Groups["address"].Value}/"));
        }

        if (_readyMessage is null || line.Contains(_readyMessage, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    [GeneratedRegex("msg=\"Listening on\" address=(?<address>127\\.0\\.0\\.1:\\d+)")]
    private static partial Regex ListeningOn();
}

using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>A real Alertmanager on a loopback port the OS picks, with its own storage; stopped on dispose.</summary>
internal sealed partial class AlertmanagerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _storage;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AlertmanagerProcess(Process process, string storage)
    {
        _process = process;
        _storage = storage;
    }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

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

    public static async Task<AlertmanagerProcess> StartAsync(string configFile)
    {
        var storage = Directory.CreateTempSubdirectory("pgreach-alertmanager-").FullName;
        var startInfo = ExternalTool.Alertmanager.StartInfo(
        [
            $"--config.file={configFile}",
            $"--storage.path={storage}",
            "--web.listen-address=127.0.0.1:0",
            "--cluster.listen-address=",
        ]);
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start Alertmanager.");
        var alertmanager = new AlertmanagerProcess(process, storage);
        process.ErrorDataReceived += (_, line) => alertmanager.OnLogLine(line.Data);
        process.OutputDataReceived += (_, line) => alertmanager.OnLogLine(line.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        using var deadline = new CancellationTokenSource(StartTimeout);
        var exited = process.WaitForExitAsync(deadline.Token);
        var first = await Task.WhenAny(alertmanager._listening.Task, exited, Task.Delay(StartTimeout, deadline.Token));
        if (first != alertmanager._listening.Task)
        {
            await alertmanager.DisposeAsync();
            Assert.Fail($"Alertmanager did not report its listening address within {StartTimeout}:\n{alertmanager.Log}");
        }

        alertmanager.BaseAddress = await alertmanager._listening.Task;
        return alertmanager;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(deadline.Token);
        }

        _process.Dispose();
        Directory.Delete(_storage, recursive: true);
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
    }

    [GeneratedRegex("msg=\"Listening on\" address=(?<address>127\\.0\\.0\\.1:\\d+)")]
    private static partial Regex ListeningOn();
}

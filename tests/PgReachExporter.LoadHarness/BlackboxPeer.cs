using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PgReachExporter.LoadHarness;

/// <summary>
/// The peer to beat, run side by side with the agent: the blackbox exporter started on a free loopback port with one
/// <c>tcp_connect</c> module, and its <c>/probe</c> driven for every target once per interval, spread evenly over the
/// interval as Prometheus spreads its scrapes, with the scrape-timeout header Prometheus sends. It probes the same
/// loopback endpoints as the agent, so both pay for the same refusals, black holes and accepted connections.
/// </summary>
internal sealed class BlackboxPeer : IAsyncDisposable
{
    private const string Module = "tcp_connect";
    private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    private readonly Process _process;
    private readonly HttpClient _http;
    private readonly ConcurrentQueue<string> _lastLines = new();
    private readonly CancellationTokenSource _driving = new();
    private Task? _driver;
    private long _completed;
    private long _succeeded;
    private long _errors;
    private bool _disposed;

    private BlackboxPeer(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        // As many connections as probes in flight: a black-holed target holds its request for the whole timeout.
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public int Id => _process.Id;

    public Uri BaseAddress { get; }

    /// <summary>Probes answered (any HTTP 200, whether the probe succeeded or not).</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Probes answered with <c>probe_success 1</c>.</summary>
    public long Succeeded => Interlocked.Read(ref _succeeded);

    /// <summary>Requests that failed at the HTTP level (no answer, not 200): a healthy run has none.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    public string RecentOutput => string.Join(Environment.NewLine, _lastLines);

    /// <summary>Writes the module file, starts the exporter and waits until it answers.</summary>
    public static async Task<BlackboxPeer> StartAsync(string executable, HarnessOptions options, string workingDirectory, CancellationToken cancellation)
    {
        var configFile = Path.Combine(workingDirectory, "blackbox.yml");
        var timeout = options.ConnectTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(configFile, $"""
            modules:
              {Module}:
                prober: tcp
                timeout: {timeout}s
                tcp:
                  preferred_ip_protocol: ip4
            """, cancellation).ConfigureAwait(false);

        var port = FreeLoopbackPort();
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { $"--config.file={configFile}", $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        if (!process.Start())
        {
            throw new InvalidOperationException($"the blackbox exporter '{executable}' did not start");
        }

        var peer = new BlackboxPeer(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => peer.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => peer.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await peer.WaitUntilAnsweringAsync(cancellation).ConfigureAwait(false);
            return peer;
        }
        catch
        {
            var output = peer.RecentOutput;
            await peer.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"the blackbox exporter did not answer on {peer.BaseAddress} within {StartWait.TotalSeconds:0}s{Environment.NewLine}{output}");
        }
    }

    /// <summary>
    /// Starts probing every target once per interval, each at its own fixed offset within the interval. Runs until
    /// <see cref="StopDrivingAsync"/>; probes in flight then finish (bounded by their timeout).
    /// </summary>
    public void StartDriving(IReadOnlyList<LoadTarget> targets, HarnessOptions options)
    {
        var scrapeTimeout = (options.ConnectTimeout + TimeSpan.FromSeconds(0.5)).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var paths = targets.Select(t => $"/probe?module={Module}&target={Uri.EscapeDataString(t.EndPoint.ToString())}").ToArray();
        _driver = Task.Run(() => DriveAsync(paths, options.Interval, scrapeTimeout, _driving.Token));
    }

    public async Task StopDrivingAsync()
    {
        await _driving.CancelAsync().ConfigureAwait(false);
        if (_driver is not null)
        {
            await _driver.ConfigureAwait(false);
        }
    }

    private async Task DriveAsync(string[] paths, TimeSpan interval, string scrapeTimeout, CancellationToken stopping)
    {
        var inFlight = new List<Task>();
        var clock = Stopwatch.StartNew();
        long next = 0;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                // Every target whose slot has come: target i of round r is due at r * interval + i * interval / N.
                var due = (long)(clock.Elapsed / interval * paths.Length);
                for (; next <= due; next++)
                {
                    inFlight.Add(ProbeAsync(paths[next % paths.Length], scrapeTimeout));
                }

                inFlight.RemoveAll(t => t.IsCompleted);
                await Task.Delay(Tick, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }

    private async Task ProbeAsync(string path, string scrapeTimeout)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Prometheus-Scrape-Timeout-Seconds", scrapeTimeout);
            using var response = await _http.SendAsync(request).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Interlocked.Increment(ref _errors);
                return;
            }

            Interlocked.Increment(ref _completed);
            if (body.Contains("\nprobe_success 1", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _succeeded);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellation)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("the blackbox exporter exited");
            }

            try
            {
                using var response = await _http.GetAsync("/-/healthy", cancellation).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (deadline.Elapsed < StartWait)
            {
            }

            if (deadline.Elapsed >= StartWait)
            {
                throw new TimeoutException();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellation).ConfigureAwait(false);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lastLines.Enqueue(line);
        while (_lastLines.Count > 20 && _lastLines.TryDequeue(out _))
        {
        }
    }

    private static int FreeLoopbackPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await StopDrivingAsync().ConfigureAwait(false);
        }
        finally
        {
            if (!_process.HasExited)
            {
                _ = SendSignal(_process.Id, 15);
                try
                {
                    await _process.WaitForExitAsync().WaitAsync(StopWait).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }

            _process.Dispose();
            _http.Dispose();
            _driving.Dispose();
        }
    }
}

using System.Diagnostics;
using System.Text.Json;

namespace PgReachExporter.Soak;

/// <summary>
/// Scrapes /metrics once a second (one kept-alive connection, timed to the last byte), reads the agent's /proc entries
/// at the same moment, and fetches /api/targets every few seconds. The latest page is what the event checks wait on.
/// </summary>
internal sealed class AgentSampler(SoakAgent agent, Stopwatch clock) : IDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    private const int ApiEvery = 5;

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false })
    {
        BaseAddress = agent.BaseAddress,
        Timeout = TimeSpan.FromSeconds(10),
    };

    private readonly Lock _gate = new();
    private readonly List<ResourceSample> _resources = [];
    private readonly List<double> _scrapeMs = [];
    private readonly List<double> _apiMs = [];
    private readonly List<string> _failures = [];
    private TaskCompletionSource<MetricsSnapshot> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MetricsSnapshot? Latest { get; private set; }

    public int ScrapeFailures { get; private set; }

    public int ApiFailures { get; private set; }

    /// <summary>The largest pgreach_agent_stage_failures_total seen; null when the family does not exist.</summary>
    public double? StageFailures { get; private set; }

    public IReadOnlyList<ResourceSample> Resources { get { lock (_gate) { return [.. _resources]; } } }

    public IReadOnlyList<double> ScrapeMilliseconds { get { lock (_gate) { return [.. _scrapeMs]; } } }

    public IReadOnlyList<double> ApiMilliseconds { get { lock (_gate) { return [.. _apiMs]; } } }

    public IReadOnlyList<string> Failures { get { lock (_gate) { return [.. _failures]; } } }

    /// <summary>Samples until cancelled or the agent exits; a failed request is counted, never the end of the loop.</summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(Period);
        for (var tick = 0; !agent.HasExited; tick++)
        {
            await SampleOnceAsync(tick % ApiEvery == 0, cancellation).ConfigureAwait(false);
            if (!await timer.WaitForNextTickAsync(cancellation).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task SampleOnceAsync(bool api, CancellationToken cancellation)
    {
        var at = clock.Elapsed;
        try
        {
            var timer = Stopwatch.StartNew();
            var text = await _http.GetStringAsync("/metrics", cancellation).ConfigureAwait(false);
            var latency = timer.Elapsed.TotalMilliseconds;
            var page = new MetricsSnapshot(text, at);
            lock (_gate)
            {
                _scrapeMs.Add(latency);
                _resources.Add(ResourceSample.Read(agent.Id, at, page.Value("dotnet_total_memory_bytes") ?? double.NaN));
            }

            if (page.HasFamily("pgreach_agent_stage_failures_total"))
            {
                StageFailures = Math.Max(StageFailures ?? 0, page.Value("pgreach_agent_stage_failures_total") ?? 0);
            }

            Latest = page;
            Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(page);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException && !cancellation.IsCancellationRequested)
        {
            ScrapeFailures++;
            Fail($"{at.TotalSeconds:0}s /metrics: {ex.GetType().Name}: {ex.Message}");
        }

        if (api)
        {
            try
            {
                var timer = Stopwatch.StartNew();
                await using var body = await _http.GetStreamAsync("/api/targets", cancellation).ConfigureAwait(false);
                using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellation).ConfigureAwait(false);
                lock (_gate)
                {
                    _apiMs.Add(timer.Elapsed.TotalMilliseconds);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or JsonException && !cancellation.IsCancellationRequested)
            {
                ApiFailures++;
                Fail($"{at.TotalSeconds:0}s /api/targets: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    /// <summary>Waits, at most <paramref name="bound"/>, for a page scraped from now on that satisfies the condition.</summary>
    public async Task<MetricsSnapshot?> WaitForAsync(Func<MetricsSnapshot, bool> condition, TimeSpan bound, CancellationToken cancellation)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(bound);
        try
        {
            while (true)
            {
                var page = await Volatile.Read(ref _next).Task.WaitAsync(deadline.Token).ConfigureAwait(false);
                if (condition(page))
                {
                    return page;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The next page scraped from now on (bounded).</summary>
    public Task<MetricsSnapshot?> NextAsync(CancellationToken cancellation) => WaitForAsync(_ => true, TimeSpan.FromSeconds(15), cancellation);

    private void Fail(string failure)
    {
        lock (_gate)
        {
            if (_failures.Count < 20)
            {
                _failures.Add(failure);
            }
        }
    }

    public void Dispose() => _http.Dispose();
}

using System.Diagnostics;
using System.Text;

namespace PgReachExporter.LoadHarness;

/// <summary>One timed /metrics request: the parsed page, the time to the last byte, and the body size.</summary>
internal sealed record Scrape(MetricsPage Page, TimeSpan Latency, int Bytes);

/// <summary>Scrapes the agent's /metrics over one kept-alive connection, as Prometheus does, timing each request to its last byte.</summary>
internal sealed class AgentScraper(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = System.Net.DecompressionMethods.None })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(10),
    };

    public async Task<Scrape> ScrapeAsync(CancellationToken cancellation)
    {
        var sentAt = DateTimeOffset.UtcNow;
        var timer = Stopwatch.StartNew();
        using var response = await _http.GetAsync("/metrics", HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync(cancellation).ConfigureAwait(false);
        var latency = timer.Elapsed;
        return new(new MetricsPage(Encoding.UTF8.GetString(body), sentAt), latency, body.Length);
    }

    public void Dispose() => _http.Dispose();
}

namespace PgReachExporter.Configuration;

/// <summary>
/// How /probe answers (PgReach:Probe): the offset taken from the scraper's X-Prometheus-Scrape-Timeout-Seconds (the
/// blackbox exporter's --timeout-offset) and how many probes may run at once before a request is turned away.
/// </summary>
internal sealed record ProbeSettings
{
    public static readonly TimeSpan DefaultTimeoutOffset = TimeSpan.FromMilliseconds(500);
    public const int DefaultMaxConcurrent = 16;
    public const int MaxConcurrentLimit = 1024;

    public static readonly ProbeSettings Default = new();

    public TimeSpan TimeoutOffset { get; init; } = DefaultTimeoutOffset;

    public int MaxConcurrent { get; init; } = DefaultMaxConcurrent;
}

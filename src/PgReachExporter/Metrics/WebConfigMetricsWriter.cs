using PgReachExporter.Configuration;

namespace PgReachExporter.Metrics;

/// <summary>Keeps the web configuration's reload families in step with its monitor (only when a --web.config.file is given).</summary>
internal sealed class WebConfigMetricsWriter
{
    public const string Success = "success";
    public const string Failure = "failure";

    private readonly ReachMetrics _metrics;
    private readonly WebConfigurationMonitor _web;

    public WebConfigMetricsWriter(ReachMetrics metrics, WebConfigurationMonitor web)
    {
        _metrics = metrics;
        _web = web;
        // Both results from the start, so that rate() and increase() see the first failure.
        metrics.WebConfigReloads.WithLabels(Success).IncTo(0);
        metrics.WebConfigReloads.WithLabels(Failure).IncTo(0);
        Update();
        web.ReloadAttempted += applied =>
        {
            _metrics.WebConfigReloads.WithLabels(applied ? Success : Failure).Inc();
            Update();
        };
    }

    private void Update()
    {
        _metrics.WebConfigReloadSuccessful.Set(_web.LastReloadSuccessful ? 1 : 0);
        _metrics.WebConfigReloadSuccessTimestamp.Set(_web.LastSuccessfulReload.ToUnixTimeMilliseconds() / 1000.0);
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PgReachExporter.Configuration;
using PgReachExporter.Metrics;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Web;

/// <summary>
/// GET /probe: the multi-target pattern of the blackbox exporter. Off (404) until a module is configured; then
/// <c>?target=NAME</c> probes a configured target now and <c>?target=HOST:PORT&amp;module=M</c> an unconfigured one with
/// the module's identity, if its allowlist admits the name and every address it resolves to (403 otherwise, and nothing
/// is dialled). Each answer is a fresh cycle in a registry of its own, bounded by the scraper's timeout.
/// </summary>
internal static partial class ProbeEndpoint
{
    public const string ScrapeTimeoutHeader = "X-Prometheus-Scrape-Timeout-Seconds";

    /// <summary>Serves GET /probe.</summary>
    public static async Task HandleAsync(
        HttpContext context, TargetSetMonitor monitor, ProbeBulkhead bulkhead, OnDemandProbe probe, ReachMetrics metrics, TimeProvider time, ILoggerFactory loggers)
    {
        var arrived = time.GetTimestamp();
        Task RefuseAsync(int status, string outcome, string reason)
        {
            metrics.ProbeRequests.WithLabels(outcome).Inc();
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync(reason + "\n", context.RequestAborted);
        }

        var settings = monitor.Current;
        context.Response.Headers.CacheControl = "no-store";
        if (settings.Modules.IsEmpty)
        {
            await RefuseAsync(StatusCodes.Status404NotFound, ProbeOutcomes.Off, "/probe is off: no PgReach:Modules are configured").ConfigureAwait(false);
            return;
        }

        if (ProbeQuery.Parse(context.Request.QueryString.Value, out var queryProblem) is not { } query)
        {
            await RefuseAsync(StatusCodes.Status400BadRequest, ProbeOutcomes.BadRequest, queryProblem!).ConfigureAwait(false);
            return;
        }

        if (Resolve(query, settings, out var allow, out var problem) is not { } target)
        {
            await RefuseAsync(StatusCodes.Status400BadRequest, ProbeOutcomes.BadRequest, problem!).ConfigureAwait(false);
            return;
        }

        if (ProbeQuery.Budget(context.Request.Headers[ScrapeTimeoutHeader].ToString(), target.ConnectTimeout, settings.Probe.TimeoutOffset, out problem) is not { } budget)
        {
            await RefuseAsync(StatusCodes.Status400BadRequest, ProbeOutcomes.BadRequest, problem!).ConfigureAwait(false);
            return;
        }

        using var slot = bulkhead.TryEnter(settings.Probe.MaxConcurrent);
        if (slot is null)
        {
            context.Response.Headers.RetryAfter = "1";
            await RefuseAsync(StatusCodes.Status503ServiceUnavailable, ProbeOutcomes.OverLimit,
                $"{settings.Probe.MaxConcurrent} probes are already running (PgReach:Probe:MaxConcurrent); this request was not queued").ConfigureAwait(false);
            return;
        }

        var exposition = new ProbeExposition();
        OnDemandOutcome outcome;
        try
        {
            outcome = await probe.RunAsync(target, allow is null, allow, budget, arrived, AgentPipeline.OnDemandOutputs(exposition), context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the scraper went away
        }

        if (outcome.DeniedBecause is { } reason)
        {
            LogDenied(loggers.CreateLogger(typeof(ProbeEndpoint).FullName!), target.Name, query.Module ?? "", reason);
            await RefuseAsync(StatusCodes.Status403Forbidden, ProbeOutcomes.Denied, $"target {target.Name} may not be probed with module {query.Module}: {reason}").ConfigureAwait(false);
            return;
        }

        metrics.ProbeRequests.WithLabels(ProbeOutcomes.Probed).Inc();
        exposition.Complete(outcome.Record?.Cycle.Up ?? false, outcome.Duration);
        var (format, contentType) = MetricsEndpoint.Negotiate(context.Request.Headers.Accept.ToString(), null);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = contentType;
        try
        {
            await exposition.WriteAsync(context.Response.Body, format, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
    }

    /// <summary>The target a query names: a configured one (no allowlist), or HOST:PORT through a module (its allowlist).</summary>
    private static TargetDefinition? Resolve(ProbeQuery query, AgentSettings settings, out ProbeAllowlist? allow, out string? problem)
    {
        allow = null;
        problem = null;
        if (query.Module is null)
        {
            var configured = settings.UsesEnvironmentTarget ? null : settings.Targets.FirstOrDefault(t => t.Name == query.Target);
            if (configured is null)
            {
                problem = $"{ConfigurationError.Quote(query.Target)} is not a configured target; probe HOST:PORT with module=M (configured modules: {string.Join(", ", settings.Modules.Keys.Order(StringComparer.Ordinal))})";
            }

            return configured;
        }

        if (!settings.Modules.TryGetValue(query.Module, out var module))
        {
            problem = $"unknown module {ConfigurationError.Quote(query.Module)} (configured: {string.Join(", ", settings.Modules.Keys.Order(StringComparer.Ordinal))})";
            return null;
        }

        var target = module.ToTarget(query.Target, out var targetProblem);
        if (target is null)
        {
            problem = $"target {ConfigurationError.Quote(query.Target)} {targetProblem}";
            return null;
        }

        allow = module.Allow;
        return target;
    }

    [LoggerMessage(EventId = LogEvents.ProbeDenied, Level = LogLevel.Warning,
        Message = "/probe refused target {Target} with module {Module}: {Reason}; nothing was sent to it")]
    private static partial void LogDenied(ILogger logger, string target, string module, string reason);
}

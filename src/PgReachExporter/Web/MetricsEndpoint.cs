using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using PgReachExporter.Metrics;
using Prometheus;

namespace PgReachExporter.Web;

/// <summary>
/// GET /metrics, negotiated as prometheus-net's own endpoint does: OpenMetrics when the Accept header (or an
/// `accept` query parameter) prefers it, the text format 0.0.4 otherwise.
/// </summary>
internal static class MetricsEndpoint
{
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";
    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /// <summary>Serves GET /metrics.</summary>
    public static async Task HandleAsync(HttpContext context, MetricsExposition exposition)
    {
        var (format, contentType) = Negotiate(context.Request.Headers.Accept.ToString(),
            context.Request.Query.TryGetValue("accept", out var fromQuery) ? fromQuery.ToString() : null);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = contentType;
        try
        {
            await exposition.WriteAsync(context.Response.Body, format, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The scraper went away; nothing to report.
        }
    }

    /// <summary>
    /// The format for an Accept header (overridden by an `accept` query parameter): media types by falling quality;
    /// text/plain first means the text format, application/openmetrics-text first means OpenMetrics; text otherwise.
    /// </summary>
    public static (ExpositionFormat Format, string ContentType) Negotiate(string? accept, string? acceptQuery)
    {
        var candidates = (acceptQuery ?? accept ?? "").Split(',')
            .Select(c => MediaTypeWithQualityHeaderValue.TryParse(c, out var type) ? type : null)
            .OfType<MediaTypeWithQualityHeaderValue>()
            .OrderByDescending(t => t.Quality ?? 1);
        foreach (var candidate in candidates)
        {
            if (string.Equals(candidate.MediaType, "text/plain", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }

            if (string.Equals(candidate.MediaType, "application/openmetrics-text", StringComparison.OrdinalIgnoreCase))
            {
                return (ExpositionFormat.OpenMetricsText, OpenMetricsContentType);
            }
        }

        return (ExpositionFormat.PrometheusText, TextContentType);
    }
}

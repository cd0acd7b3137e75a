using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Prometheus;

namespace PgReachExporter.Web;

/// <summary>The HTTP endpoints served next to /metrics.</summary>
internal static class AgentEndpoints
{
    public static void Map(WebApplication app, CollectorRegistry registry)
    {
        app.MapMetrics("/metrics", registry);
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/", () => Results.Content(LandingPage, "text/html; charset=utf-8"));
    }

    private const string LandingPage = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>PgReachExporter</title></head>
        <body><h1>PgReachExporter</h1><p><a href="/metrics">Metrics</a></p></body></html>
        """;
}

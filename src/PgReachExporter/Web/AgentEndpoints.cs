using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Web;

/// <summary>The HTTP endpoints served next to /metrics: the status page and its JSON.</summary>
internal static class AgentEndpoints
{
    // Inline style and script only; nothing is loaded from anywhere else.
    private const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static void Map(WebApplication app)
    {
        // Every answer: never framed (clickjacking), never sniffed into another type.
        app.Use(static (context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers.XFrameOptions = "DENY";
            return next(context);
        });

        // TLS is the listener's; rate limit, configured headers and basic auth are this middleware's, for every path but /healthz.
        FrontDoorHosting.Use(app);

        app.MapGet("/metrics", MetricsEndpoint.HandleAsync);
        app.MapGet("/probe", ProbeEndpoint.HandleAsync);
        app.MapGet(FrontDoor.HealthPath, () => Results.Text("ok\n"));
        app.MapGet("/", StatusPageResult);
        app.MapGet("/status", StatusPageResult);
        app.MapGet("/api/targets", (VerdictTracker tracker, TimeProvider time, HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(new TargetsResponse(time.GetUtcNow(), Statuses(tracker)), StatusJsonContext.Readable.TargetsResponse);
        });
    }

    private static IResult StatusPageResult(VerdictTracker tracker, TargetSetMonitor targets, TimeProvider time, HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        return Results.Content(StatusPage.Render(Statuses(tracker), time.GetUtcNow(), ShardLine(targets.Current)), "text/html; charset=utf-8");
    }

    /// <summary>"shard 1/3: 5 of 14 configured targets" for a sharded agent; null otherwise.</summary>
    private static string? ShardLine(AgentSettings settings) => settings.Shard.IsSharded
        ? $"shard {settings.Shard}: {settings.Targets.Length} of {settings.ConfiguredTargetCount} configured targets"
        : null;

    private static List<TargetStatus> Statuses(VerdictTracker tracker) => [.. tracker.Snapshot().Select(TargetStatusMapper.From)];
}

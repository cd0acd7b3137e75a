using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using PgReachExporter.Configuration;

namespace PgReachExporter.Web;

/// <summary>
/// The web configuration's gate in front of every endpoint, in the toolkit's order: rate_limit (429), the configured
/// headers, then basic auth (401 with WWW-Authenticate: Basic). It is a middleware for all paths, so an endpoint added
/// later is behind it by construction; /healthz alone stays open, for liveness probes that carry no credentials.
/// </summary>
internal sealed class FrontDoor(WebConfigurationMonitor web, BasicAuthVerifier verifier) : IDisposable
{
    public const string HealthPath = "/healthz";

    private readonly Lock _gate = new();
    private RateLimitConfig? _limitFor;
    private RateLimiter? _limiter;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var configuration = web.Current;
        foreach (var (name, value) in configuration.Document.Http.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (string.Equals(context.Request.Path.Value, HealthPath, StringComparison.OrdinalIgnoreCase))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (!Admit(configuration.Document.RateLimit))
        {
            await Refuse(context, StatusCodes.Status429TooManyRequests, "Too Many Requests").ConfigureAwait(false);
            return;
        }

        if (configuration.Document.Users.Count > 0
            && !await verifier.IsAuthorizedAsync(configuration.Document.Users, configuration.DecoyHash, context.Request.Headers.Authorization, context.RequestAborted).ConfigureAwait(false))
        {
            context.Response.Headers.WWWAuthenticate = "Basic";
            await Refuse(context, StatusCodes.Status401Unauthorized, "Unauthorized").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private static Task Refuse(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text + "\n");
    }

    /// <summary>Takes a token from the bucket of the current rate_limit (a reload with other numbers starts a new bucket).</summary>
    private bool Admit(RateLimitConfig? limit)
    {
        lock (_gate)
        {
            if (limit != _limitFor)
            {
                _limiter?.Dispose();
                _limitFor = limit;
                _limiter = limit is null ? null : new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limit.Burst,
                    TokensPerPeriod = 1,
                    ReplenishmentPeriod = limit.Interval,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            }

            // Under the lock, so a bucket replaced by a reload is never used after it is disposed.
            using var lease = _limiter?.AttemptAcquire();
            return lease?.IsAcquired ?? true;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _limiter?.Dispose();
        }
    }
}

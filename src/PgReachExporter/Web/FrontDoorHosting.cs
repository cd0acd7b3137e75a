using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PgReachExporter.Configuration;
using PgReachExporter.Metrics;

namespace PgReachExporter.Web;

/// <summary>Wires a --web.config.file into the host: its monitor, the front door and, when it turns TLS on, TLS on every listen address.</summary>
internal static class FrontDoorHosting
{
    public static void Add(WebApplicationBuilder builder, WebConfiguration web)
    {
        var services = builder.Services;
        services.AddSingleton(sp => new WebConfigurationMonitor(web, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WebConfigurationMonitor>>()));
        services.AddSingleton<BasicAuthVerifier>();
        services.AddSingleton<FrontDoor>();
        services.AddSingleton<TlsHandshake>();
        services.AddSingleton<WebConfigMetricsWriter>();
        if (web.Tls is null)
        {
            return;
        }

        // Endpoint defaults apply to every address of --urls or --web.listen-address (all https, see ListenAddresses.Resolve):
        // each handshake takes its options from the configuration current at that moment.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
        {
            // As in the toolkit, http2 is read at start only (HTTP/2 is negotiated per connection by ALPN, on TLS only).
            listen.Protocols = web.Document.Http.Http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
            listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = context => kestrel.ApplicationServices.GetRequiredService<TlsHandshake>().OnConnectionAsync(context),
            });
        }));
    }

    /// <summary>Puts the front door in front of every endpoint (called before any endpoint is mapped).</summary>
    public static void Use(WebApplication app)
    {
        if (app.Services.GetService<FrontDoor>() is { } door)
        {
            app.Use((context, next) => door.InvokeAsync(context, next));
        }
    }
}

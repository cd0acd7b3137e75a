using System.Collections.Immutable;
using PgReachExporter.Classification;
using PgReachExporter.Observations;

namespace PgReachExporter.Diagnosis;

/// <summary>One line per layer for pages and the diagnose report: its findings when it has any, else what was seen working.</summary>
internal static class LayerReports
{
    public static ImmutableArray<LayerReport> Build(DiagnosisContext context, ImmutableArray<Finding> findings) =>
        [.. DiagnosisLabels.Layers.Select(layer => Build(context, layer, findings.Where(f => f.Layer == layer).ToList()))];

    private static LayerReport Build(DiagnosisContext context, DiagnosisLayer layer, List<Finding> findings)
    {
        if (findings.Count > 0)
        {
            var status = findings.Any(f => f.Severity == Severity.Critical) ? LayerStatus.Failed
                : findings.Any(f => f.Severity == Severity.Warning) ? LayerStatus.Warning
                : LayerStatus.Ok;
            return new(layer, status, string.Join("; ", findings.Select(f => f.Title)));
        }

        var cycle = context.Cycle;
        var loginOk = cycle.Login.Succeeded;
        var open = cycle.Tcp.Where(t => t.Result == TcpConnectResult.Open).Select(t => EvidenceText.Endpoint(t.Address, context.Target.Port)).ToList();
        return layer switch
        {
            DiagnosisLayer.Transport when context.Target.IsUnixSocket && open.Count > 0 => Ok(layer, "socket accepts connections"),
            DiagnosisLayer.Transport when open.Count > 0 => Ok(layer, $"listening: {string.Join(", ", open)}"),
            DiagnosisLayer.Network when context.Target.IsUnixSocket => Ok(layer, "local socket, no network path"),
            DiagnosisLayer.Network when open.Count > 0 => Ok(layer, context.Cycle.Dns.Addresses.Length > 0 && !System.Net.IPAddress.TryParse(context.Target.Host, out _)
                ? $"{context.Target.Host} resolves; path open"
                : "path open"),
            DiagnosisLayer.Tls when context.Target.IsUnixSocket => Ok(layer, "local socket, no TLS"),
            DiagnosisLayer.Tls when context.Cycle.Find<TlsObservation>() is { Result: TlsProbeResult.Handshake, Leaf: { } leaf } tls =>
                Ok(layer, $"{tls.Protocol}, certificate valid until {leaf.NotAfter.UtcDateTime:yyyy-MM-dd}"),
            DiagnosisLayer.Tls when context.Cycle.Find<TlsObservation>() is { Result: TlsProbeResult.ServerRefused } =>
                Ok(layer, $"the server does not offer TLS; sslmode {context.Target.SslModeName} does not require it"),
            DiagnosisLayer.Tls when loginOk => Ok(layer, $"login passed with sslmode {context.Target.SslModeName}"),
            DiagnosisLayer.Auth when loginOk => Ok(layer, $"login as {context.Target.Username} to {context.Target.Database} accepted"),
            DiagnosisLayer.Capacity when Slots(context) is { } slots => Ok(layer, slots),
            DiagnosisLayer.Capacity when loginOk => Ok(layer, "the login got a connection slot"),
            DiagnosisLayer.Server when loginOk => Ok(layer, ServerDetail(context)),
            DiagnosisLayer.Config when context.Server is not null => Ok(layer, "pg_hba.conf loads; nothing waits for a reload or restart"),
            DiagnosisLayer.Config => Unknown(layer, "no server-side evidence"),
            DiagnosisLayer.Capacity or DiagnosisLayer.Server when context.Server is null && !loginOk => Unknown(layer, "not reached; no server-side evidence"),
            _ => Unknown(layer, "not reached"),
        };
    }

    private static string? Slots(DiagnosisContext context) =>
        context.Server is { ClientConnections: { } used, MaxConnections: { } max } server
            ? $"{used} of {max - (server.ReservedConnections ?? 0)} usable connection slots in use"
            : null;

    private static string ServerDetail(DiagnosisContext context)
    {
        var version = context.Cycle.Login.ServerVersion is { } v ? $"PostgreSQL {v.Major}.{Math.Max(0, v.Minor)}" : "PostgreSQL";
        return context.Server?.InRecovery == true ? $"{version} accepts logins (standby, in recovery)" : $"{version} accepts logins";
    }

    private static LayerReport Ok(DiagnosisLayer layer, string detail) => new(layer, LayerStatus.Ok, detail);

    private static LayerReport Unknown(DiagnosisLayer layer, string detail) => new(layer, LayerStatus.Unknown, detail);
}

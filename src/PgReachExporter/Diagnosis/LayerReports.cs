using System.Collections.Immutable;
using PgReachExporter.Classification;
using PgReachExporter.Observations;

namespace PgReachExporter.Diagnosis;

/// <summary>One line per layer for pages and the diagnose report: its findings when it has any, else what was seen working.</summary>
internal static class LayerReports
{
    public static ImmutableArray<LayerReport> Build(DiagnosisContext context, ImmutableArray<Finding> findings)
    {
        // Runs every cycle of every target: the open endpoints are listed once, not once per layer.
        string? open = null;
        var reports = ImmutableArray.CreateBuilder<LayerReport>(DiagnosisLabels.Layers.Length);
        foreach (var layer in DiagnosisLabels.Layers)
        {
            reports.Add(Build(context, layer, findings, ref open));
        }

        return reports.MoveToImmutable();
    }

    private static LayerReport Build(DiagnosisContext context, DiagnosisLayer layer, ImmutableArray<Finding> all, ref string? openList)
    {
        if (FindingsOf(all, layer) is { } report)
        {
            return report;
        }

        var cycle = context.Cycle;
        var loginOk = cycle.Login.Succeeded;
        var open = openList ??= OpenEndpoints(context);
        return layer switch
        {
            DiagnosisLayer.Transport when context.Target.IsUnixSocket && open.Length > 0 => Ok(layer, "socket accepts connections"),
            DiagnosisLayer.Transport when open.Length > 0 => Ok(layer, $"listening: {open}"),
            DiagnosisLayer.Network when context.Target.IsUnixSocket => Ok(layer, "local socket, no network path"),
            DiagnosisLayer.Network when open.Length > 0 => Ok(layer, context.Cycle.Dns.Addresses.Length > 0 && !System.Net.IPAddress.TryParse(context.Target.Host, out _)
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

    /// <summary>The layer's line from its findings, or null when it has none.</summary>
    private static LayerReport? FindingsOf(ImmutableArray<Finding> all, DiagnosisLayer layer)
    {
        string? titles = null;
        var status = LayerStatus.Ok;
        foreach (var finding in all)
        {
            if (finding.Layer != layer)
            {
                continue;
            }

            titles = titles is null ? finding.Title : $"{titles}; {finding.Title}";
            status = finding.Severity == Severity.Critical || status == LayerStatus.Failed ? LayerStatus.Failed
                : finding.Severity == Severity.Warning ? LayerStatus.Warning
                : status;
        }

        return titles is null ? null : new(layer, status, titles);
    }

    /// <summary>The endpoints that accepted, comma-separated; empty when none did.</summary>
    private static string OpenEndpoints(DiagnosisContext context)
    {
        string? list = null;
        foreach (var tcp in context.Cycle.Tcp)
        {
            if (tcp.Result == TcpConnectResult.Open)
            {
                var endpoint = EvidenceText.Endpoint(tcp.Address, context.Target.Port);
                list = list is null ? endpoint : $"{list}, {endpoint}";
            }
        }

        return list ?? "";
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

using PgReachExporter.Classification;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Scheduling;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.Web;

/// <summary>Turns a target's diagnosis into what pages and the API show; the password is never read except to scrub it.</summary>
internal static class TargetStatusMapper
{
    public const string Pending = "pending";
    public const string Error = "error";

    /// <summary>An error shown on the page is cut here: it comes from an exception, whose text is not ours to bound.</summary>
    private const int MaxProblemLength = 300;

    public static TargetStatus From(TargetDiagnosis diagnosis)
    {
        var target = diagnosis.Target;
        var scrub = Scrubber(target.Password);
        var verdict = diagnosis.Verdict;
        return new TargetStatus(
            scrub(target.Name),
            scrub(target.Endpoint),
            scrub(target.Host),
            target.Port,
            scrub(target.Database),
            scrub(target.Username),
            diagnosis.LoopError is null ? State(verdict) : Error,
            verdict?.Reachable,
            scrub(diagnosis.LoopError is { } problem
                ? $"The agent's probe loop for this target failed and is being restarted: {Cut(problem)}"
                : verdict?.Summary ?? "Waiting for the first probe cycle"),
            diagnosis.Since,
            diagnosis.LastProbe,
            diagnosis.Changes,
            verdict is null ? [] : Sources(verdict.Sources),
            verdict is null
                ? [.. DiagnosisLabels.Layers.Select(l => new LayerStatusEntry(l.Label(), "unknown", "not probed yet"))]
                : [.. verdict.Layers.Select(l => new LayerStatusEntry(l.Layer.Label(), Label(l.Status), scrub(l.Detail)))],
            verdict is null
                ? []
                : [.. verdict.Findings.Select(f => new FindingEntry(f.Layer.Label(), f.Cause.Label, f.Severity.Label(), scrub(f.Title),
                    [.. f.Evidence.Select(scrub)], scrub(f.NextStep)))],
            diagnosis.LastCycle is { } cycle ? [.. Steps(target, cycle).Select(s => s with { Target = scrub(s.Target), Detail = s.Detail is null ? null : scrub(s.Detail) })] : []);
    }

    private static string Cut(string text) => text.Length <= MaxProblemLength ? text : text[..MaxProblemLength] + "…";

    public static string State(Verdict? verdict) => verdict switch
    {
        null => Pending,
        { IsOk: true } => "ok",
        _ => verdict.WorstSeverity == Severity.Critical ? "critical" : "warning",
    };

    public static string Label(LayerStatus status) => status switch
    {
        LayerStatus.Ok => "ok",
        LayerStatus.Warning => "warning",
        LayerStatus.Failed => "failed",
        _ => "unknown",
    };

    /// <summary>The probe cycle step by step: DNS, each TCP address, the login.</summary>
    public static IEnumerable<ProbeStep> Steps(TargetDefinition target, TargetCycle cycle)
    {
        if (!target.IsUnixSocket)
        {
            yield return new ProbeStep("dns", target.Host, cycle.Dns.Result switch
            {
                DnsLookupResult.Ok => "ok",
                DnsLookupResult.NotFound => "not_found",
                DnsLookupResult.Timeout => "timeout",
                _ => "error",
            }, cycle.Dns.Duration.TotalSeconds, cycle.Dns.Resolved ? string.Join(", ", cycle.Dns.Addresses) : cycle.Dns.Problem);
        }

        foreach (var tcp in cycle.Tcp)
        {
            var unix = tcp.Family == AddressFamilies.Unix;
            yield return new ProbeStep(unix ? "unix" : "tcp", unix ? tcp.Address : EvidenceText.Endpoint(tcp.Address, target.Port),
                tcp.Result.Label(), tcp.Duration.TotalSeconds, tcp.Problem);
        }

        if (cycle.Find<TlsObservation>() is { Result: not TlsProbeResult.NotAttempted } tls)
        {
            yield return new ProbeStep("tls", tls.Address ?? target.Endpoint, TlsStep(tls.Result), tls.HandshakeDuration.TotalSeconds, TlsDetail(tls));
        }

        var login = cycle.Login;
        var detail = login.Succeeded
            ? login.ServerVersion is { } v ? $"PostgreSQL {v.Major}.{Math.Max(0, v.Minor)}" : null
            : login.Problem;
        yield return new ProbeStep("login", $"{target.Username}@{target.Database}", login.Result.Label(), login.Duration.TotalSeconds, detail);
    }

    private static string TlsStep(TlsProbeResult result) => result switch
    {
        TlsProbeResult.Handshake => "handshake",
        TlsProbeResult.ServerRefused => "server_refused",
        TlsProbeResult.ProtocolMismatch => "protocol_mismatch",
        TlsProbeResult.ClientCertificateRejected => "client_certificate_rejected",
        TlsProbeResult.Timeout => "timeout",
        TlsProbeResult.ConnectionFailed => "connection_failed",
        _ => "handshake_failed",
    };

    /// <summary>What <c>openssl s_client</c> would have shown: version, cipher, the certificate and its validity.</summary>
    private static string? TlsDetail(TlsObservation tls) => tls.Leaf is { } leaf
        ? $"{(tls.DirectHandshake ? "direct " : "")}{tls.Protocol} {tls.Cipher}; \"{leaf.Subject}\" issued by \"{leaf.Issuer}\", valid until {leaf.NotAfter.UtcDateTime:yyyy-MM-dd HH:mm} UTC"
            + (leaf.DnsNames.Length + leaf.IpAddresses.Length > 0 ? $", names {string.Join(", ", leaf.DnsNames.Concat(leaf.IpAddresses))}" : "")
        : tls.Problem;

    private static string[] Sources(EvidenceSources sources) =>
    [
        .. new[] { (EvidenceSources.Probe, "probe"), (EvidenceSources.Server, "server"), (EvidenceSources.Host, "host") }
            .Where(s => sources.HasFlag(s.Item1)).Select(s => s.Item2),
    ];

    /// <summary>
    /// Belt and braces: nothing shown should contain the password, but a server message could echo what it was given,
    /// so an inline password is masked wherever it appears. (Password files are not re-read for this.)
    /// </summary>
    private static Func<string, string> Scrubber(PasswordSource password) =>
        password is LiteralPassword { Value.Length: >= 4 } literal
            ? text => text.Replace(literal.Value, "********", StringComparison.Ordinal)
            : text => text;
}

using System.Globalization;
using PgReachExporter.Classification;
using PgReachExporter.Observations;

namespace PgReachExporter.Diagnosis;

/// <summary>
/// The TLS layer, from the TLS probe's handshake (what <c>openssl s_client -starttls postgres</c> would show) judged as
/// the target's libpq settings would judge it: a failure clients of this sslmode hit is critical; a certificate problem
/// that only verifying clients would hit (this target does not verify) is a warning; an expiry inside the window is a
/// warning. The login's own TLS results are named by <see cref="LoginRules"/> when the probe did not explain them.
/// </summary>
internal static class TlsRules
{
    public static void Apply(DiagnosisContext context, FindingSet found)
    {
        if (context.Cycle.Find<TlsObservation>() is not { } tls)
        {
            return;
        }

        var target = context.Target;
        var requiresTls = target.RequiresTls;
        var probe = $"TLS probe of {tls.Address}: {tls.Problem}";
        switch (tls.Result)
        {
            case TlsProbeResult.ServerRefused when requiresTls:
                found.Add(DiagnosisCause.TlsUnsupportedByServer, Severity.Critical, [probe, $"client sslmode {target.SslModeName}", context.Login]);
                return;
            case TlsProbeResult.ProtocolMismatch:
                found.Add(DiagnosisCause.TlsProtocolMismatch, requiresTls ? Severity.Critical : Severity.Warning,
                    [probe, "client allows TLSv1.2 to TLSv1.3 (libpq's defaults)", context.Login]);
                return;
            case TlsProbeResult.ClientCertificateRejected:
                found.Add(DiagnosisCause.TlsClientCertificate, Severity.Critical,
                    [probe, target.Tls.Cert is { } cert ? $"client certificate {cert}" : "the client has no certificate (SslCert, SslKey)", context.Login]);
                return;
            case TlsProbeResult.HandshakeFailed:
                found.Add(DiagnosisCause.TlsHandshakeFailed, requiresTls || context.Cycle.Login.Result == LoginResult.TlsFailed ? Severity.Critical : Severity.Warning,
                    [probe, context.Login]);
                return;
            case TlsProbeResult.Handshake:
                Certificates(context, tls, found);
                return;
            default:
                return;
        }
    }

    private static void Certificates(DiagnosisContext context, TlsObservation tls, FindingSet found)
    {
        if (tls.Leaf is not { } leaf || tls.Judgement is not { } judged)
        {
            return;
        }

        var target = context.Target;
        var now = context.Cycle.StartedAt;
        var handshake = $"TLS probe of {tls.Address}: {tls.Protocol}, {tls.Cipher}";
        var certificate = $"server certificate \"{leaf.Subject}\" issued by \"{leaf.Issuer}\", valid {Date(leaf.NotBefore)} to {Date(leaf.NotAfter)}";
        var mode = $"client sslmode {target.SslModeName}";
        // A certificate problem only clients that verify would hit is a warning for a target that does not verify.
        var unlessVerified = judged.VerifiesChain ? Severity.Critical : Severity.Warning;
        var onlyIfVerified = judged.VerifiesChain ? mode : $"{mode} does not verify the chain; clients with verify-ca or verify-full would refuse it";

        if (judged.Expired)
        {
            var expired = tls.Chain.Where(c => c.NotAfter < now).Select(c => $"\"{c.Subject}\" expired {Date(c.NotAfter)} ({Days(now - c.NotAfter)} ago)");
            found.Add(DiagnosisCause.TlsCertificateExpired, unlessVerified, [handshake, .. expired, onlyIfVerified, context.Login]);
        }
        else if (judged.NotYetValid)
        {
            var early = tls.Chain.Where(c => c.NotBefore > now).Select(c => $"\"{c.Subject}\" is valid only from {Date(c.NotBefore)}; this host's clock says {Date(now)}");
            found.Add(DiagnosisCause.TlsCertificateNotYetValid, unlessVerified, [handshake, .. early, onlyIfVerified, context.Login]);
        }
        else if (tls.EarliestExpiry is { } expiry && expiry - now < target.Tls.ExpiryWarning)
        {
            var first = tls.Chain.First(c => c.NotAfter == expiry);
            found.Add(DiagnosisCause.TlsCertificateExpiring, Severity.Warning,
                [handshake, $"\"{first.Subject}\" expires {Date(expiry)}, in {Days(expiry - now)} (warning window {Days(target.Tls.ExpiryWarning)})"]);
        }

        if (judged.Trust == TlsTrust.Untrusted)
        {
            found.Add(DiagnosisCause.TlsCertificateUntrusted, Severity.Critical, [handshake, certificate, judged.TrustProblem ?? "the chain does not verify", mode, context.Login]);
        }

        if (judged.NameMatches == false)
        {
            var names = TlsHostName.Names(CommonName(leaf.Subject), leaf.DnsNames, leaf.IpAddresses);
            var named = $"the certificate names {(names.Count == 0 ? "nothing" : string.Join(", ", names))}, not {target.Host}";
            if (judged.VerifiesName)
            {
                found.Add(DiagnosisCause.TlsHostnameMismatch, Severity.Critical, [handshake, certificate, named, mode, context.Login]);
            }
        }
    }

    private static string? CommonName(string subject) =>
        subject.Split(',', StringSplitOptions.TrimEntries).FirstOrDefault(p => p.StartsWith("CN=", StringComparison.Ordinal))?[3..];

    private static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Days(TimeSpan span) => span.TotalDays >= 2
        ? $"{Math.Floor(span.TotalDays):0} days"
        : $"{Math.Max(0, span.TotalHours):0} hours";

}

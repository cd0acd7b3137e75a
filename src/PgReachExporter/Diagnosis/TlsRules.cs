using System.Globalization;
using PgReachExporter.Classification;
using PgReachExporter.Configuration;
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
        var presented = context.Cycle.Find<TlsObservation>();
        CertificateFile(context, presented, found);
        if (presented is not { } tls)
        {
            return;
        }

        var target = context.Target;
        var requiresTls = target.RequiresTls;
        var probe = $"TLS probe of {tls.Address}: {tls.Problem}";
        var server = context.Server;
        switch (tls.Result)
        {
            case TlsProbeResult.ServerRefused when requiresTls:
                found.Add(DiagnosisCause.TlsUnsupportedByServer, Severity.Critical,
                    [probe, .. server?.Ssl == false ? ["server: ssl = off (SHOW ssl)"] : (string[])[], $"client sslmode {target.SslModeName}", context.Login]);
                return;
            case TlsProbeResult.ProtocolMismatch:
                found.Add(DiagnosisCause.TlsProtocolMismatch, requiresTls ? Severity.Critical : Severity.Warning,
                    [probe, .. ProtocolSides(context), context.Login]);
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

    /// <summary>
    /// Both sides of a version mismatch, as <c>openssl s_client -tls1_2</c> against <c>SHOW ssl_min_protocol_version</c> would
    /// show them: the server's range when its view has it, the client's range, and which end leaves no overlap.
    /// </summary>
    public static IEnumerable<string> ProtocolSides(DiagnosisContext context)
    {
        var client = context.Target.Tls;
        var clientMin = client.MinProtocol;
        var clientMax = client.MaxProtocol ?? TlsProtocolVersions.Newest;
        if (context.Server?.SslMinProtocolVersion is { } serverMinText)
        {
            var serverMaxText = context.Server.SslMaxProtocolVersion;
            yield return $"server allows {serverMinText} to {(string.IsNullOrEmpty(serverMaxText) ? "the newest" : serverMaxText)} (ssl_min_protocol_version, ssl_max_protocol_version)";
            if (TlsProtocolVersions.TryParse(serverMinText, out var serverMin) && serverMin > clientMax)
            {
                yield return $"the server's ssl_min_protocol_version {serverMinText} is newer than the newest version the client offers, {TlsProtocolVersions.Name(clientMax)}";
            }
            else if (TlsProtocolVersions.TryParse(serverMaxText, out var serverMax) && serverMax < clientMin)
            {
                yield return $"the server's ssl_max_protocol_version {serverMaxText} is older than the oldest version the client offers, {TlsProtocolVersions.Name(clientMin)}";
            }
        }

        yield return client.DefaultProtocols
            ? $"client allows {client.ProtocolRange} (libpq's defaults)"
            : $"client allows {client.ProtocolRange} (the target's SslMinProtocolVersion, SslMaxProtocolVersion)";
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

    /// <summary>
    /// The chain in ssl_cert_file (monitoring connection) against the one presented: a different certificate is what the
    /// next reload will present (info, or a warning when clients of this target would then fail or it expires soon).
    /// Without a handshake to compare with, the file's own expiry still warns.
    /// </summary>
    private static void CertificateFile(DiagnosisContext context, TlsObservation? tls, FindingSet found)
    {
        if (context.Server?.CertificateFile is not { SslOn: true, Leaf: { } onDisk } file)
        {
            return;
        }

        var now = context.Cycle.StartedAt;
        var inFile = $"ssl_cert_file {file.Path} holds {Describe(onDisk)}";
        if (tls is { Result: TlsProbeResult.Handshake, Leaf: { } served })
        {
            if (string.Equals(served.Fingerprint, onDisk.Fingerprint, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            var problems = AfterReload(context, file, now).ToList();
            found.Add(DiagnosisCause.TlsCertificateChangePending, problems.Count > 0 ? Severity.Warning : Severity.Info,
                [$"the server presents {Describe(served)} (TLS probe of {tls.Address})", inFile,
                    .. problems.Count > 0 ? problems : ["after a reload this target's clients would accept it"]]);
            return;
        }

        if (file.EarliestExpiry is { } expiry && expiry >= now && expiry - now < context.Target.Tls.ExpiryWarning)
        {
            found.Add(DiagnosisCause.TlsCertificateExpiring, Severity.Warning,
                [inFile, $"it expires {Date(expiry)}, in {Days(expiry - now)} (warning window {Days(context.Target.Tls.ExpiryWarning)})",
                    "not compared with the presented certificate: no TLS handshake this cycle"]);
        }
    }

    /// <summary>What a reload would bring: the file's certificate judged for this target's clients.</summary>
    private static IEnumerable<string> AfterReload(DiagnosisContext context, ServerCertificateFile file, DateTimeOffset now)
    {
        foreach (var expired in file.Chain.Where(c => c.NotAfter < now))
        {
            yield return $"after a reload the server would present \"{expired.Subject}\", which expired {Date(expired.NotAfter)} ({Days(now - expired.NotAfter)} ago)";
        }

        foreach (var early in file.Chain.Where(c => c.NotBefore > now))
        {
            yield return $"after a reload the server would present \"{early.Subject}\", valid only from {Date(early.NotBefore)}";
        }

        if (file.EarliestExpiry is { } expiry && expiry >= now && expiry - now < context.Target.Tls.ExpiryWarning)
        {
            yield return $"after a reload the server would present a certificate that expires {Date(expiry)}, in {Days(expiry - now)} (warning window {Days(context.Target.Tls.ExpiryWarning)})";
        }

        var mode = context.Target.SslModeName;
        if (file.Judgement is { Trust: TlsTrust.Untrusted } untrusted)
        {
            yield return $"after a reload clients with sslmode {mode} would refuse it: {untrusted.TrustProblem ?? "the chain does not verify"}";
        }

        if (file.Judgement is { VerifiesName: true, NameMatches: false } && file.Leaf is { } leaf)
        {
            var names = TlsHostName.Names(CommonName(leaf.Subject), leaf.DnsNames, leaf.IpAddresses);
            yield return $"after a reload clients with sslmode {mode} would refuse it: it names {(names.Count == 0 ? "nothing" : string.Join(", ", names))}, not {context.Target.Host}";
        }
    }

    private static string Describe(TlsCertificate certificate) =>
        $"\"{certificate.Subject}\" issued by \"{certificate.Issuer}\", valid {Date(certificate.NotBefore)} to {Date(certificate.NotAfter)}"
        + (certificate.Fingerprint.Length > 0 ? $", SHA-256 {certificate.Fingerprint}" : "");

    private static string? CommonName(string subject) =>
        subject.Split(',', StringSplitOptions.TrimEntries).FirstOrDefault(p => p.StartsWith("CN=", StringComparison.Ordinal))?[3..];

    private static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Days(TimeSpan span) => span.TotalDays >= 2
        ? $"{Math.Floor(span.TotalDays):0} days"
        : $"{Math.Max(0, span.TotalHours):0} hours";

}

using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Npgsql;
using PgReachExporter.Classification;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes;

/// <summary>
/// A certificate chain judged with a target's sslmode, root certificate and host name as libpq's verify-ca and
/// verify-full would judge it, validity dates apart; shared by the TLS probe (the chain presented) and the server's
/// ssl_cert_file check (the chain a reload would present).
/// </summary>
internal static class TlsChainJudge
{
    /// <summary>The chain (leaf first) judged for <paramref name="target"/> at <paramref name="now"/>, as libpq would judge it.</summary>
    public static TlsJudgement Judge(TargetDefinition target, IReadOnlyList<X509Certificate2> chain, DateTimeOffset now)
    {
        var root = EffectiveRootCert(target);
        var verifiesChain = target.SslMode is SslMode.VerifyCA or SslMode.VerifyFull || (target.SslMode == SslMode.Require && root is not null);
        var verifiesName = target.SslMode == SslMode.VerifyFull;
        if (chain.Count == 0)
        {
            return new(verifiesChain, verifiesName, verifiesChain ? TlsTrust.Untrusted : TlsTrust.NotVerified, "the server presented no certificate", false, false, false);
        }

        var leaf = chain[0];
        var (trust, problem) = verifiesChain ? Verify(chain, root, now) : (TlsTrust.NotVerified, null);
        var summary = Summarise(leaf);
        var names = TlsHostName.Matches(target.Host, leaf.GetNameInfo(X509NameType.SimpleName, forIssuer: false), summary.DnsNames, summary.IpAddresses);
        return new(verifiesChain, verifiesName, trust, problem, names,
            chain.Any(c => c.NotAfter.ToUniversalTime() < now.UtcDateTime),
            chain.Any(c => c.NotBefore.ToUniversalTime() > now.UtcDateTime));
    }

    /// <summary>The root file libpq would use: the configured one, else ~/.postgresql/root.crt when it exists.</summary>
    private static string? EffectiveRootCert(TargetDefinition target)
    {
        if (target.Tls.RootCert is { } configured)
        {
            return configured;
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var fallback = Path.Combine(home, ".postgresql", "root.crt");
        return home.Length > 0 && File.Exists(fallback) ? fallback : null;
    }

    private static (TlsTrust, string?) Verify(IReadOnlyList<X509Certificate2> chain, string? root, DateTimeOffset now)
    {
        if (root is null)
        {
            return (TlsTrust.Untrusted, "no root certificate to verify against: set SslRootCert (libpq's sslrootcert); ~/.postgresql/root.crt does not exist");
        }

        using var builder = new X509Chain();
        builder.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Validity dates are judged on their own (expired, not yet valid), so that trust says only whether the chain reaches the root.
        builder.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreCtlNotTimeValid;
        builder.ChainPolicy.VerificationTime = now.UtcDateTime;
        builder.ChainPolicy.ExtraStore.AddRange(chain.Skip(1).ToArray());
        var roots = new X509Certificate2Collection();
        if (root != TlsDefinition.SystemRoots)
        {
            try
            {
                roots.ImportFromPemFile(root);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                return (TlsTrust.Untrusted, $"the root certificate file {root} cannot be read: {ex.Message}");
            }

            if (roots.Count == 0)
            {
                return (TlsTrust.Untrusted, $"the root certificate file {root} holds no PEM certificate");
            }

            builder.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            builder.ChainPolicy.CustomTrustStore.AddRange(roots);
        }

        try
        {
            if (builder.Build(chain[0]))
            {
                return (TlsTrust.Trusted, null);
            }

            var top = builder.ChainElements.Count > 0 ? builder.ChainElements[^1].Certificate : chain[0];
            var where = root == TlsDefinition.SystemRoots ? "the system's trusted roots" : $"the roots in {root}";
            var status = string.Join("; ", builder.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            return (TlsTrust.Untrusted, $"the chain ends at \"{top.Issuer}\", which is not among {where}" + (status.Length > 0 ? $" ({status})" : ""));
        }
        finally
        {
            foreach (var element in builder.ChainElements)
            {
                element.Certificate.Dispose();
            }

            foreach (var certificate in roots)
            {
                certificate.Dispose();
            }
        }
    }

    /// <summary>What evidence and metrics read off one certificate.</summary>
    public static TlsCertificate Summarise(X509Certificate2 certificate)
    {
        var dns = ImmutableArray.CreateBuilder<string>();
        var ips = ImmutableArray.CreateBuilder<string>();
        foreach (var extension in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            dns.AddRange(extension.EnumerateDnsNames());
            ips.AddRange(extension.EnumerateIPAddresses().Select(a => a.ToString()));
        }

        return new TlsCertificate(certificate.Subject, certificate.Issuer,
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()),
            dns.ToImmutable(), ips.ToImmutable(), certificate.SerialNumber,
            Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256)).Chunk(2).Select(pair => new string(pair)).Aggregate((a, b) => $"{a}:{b}"));
    }
}

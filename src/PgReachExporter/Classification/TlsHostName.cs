using System.Collections.Immutable;
using System.Net;

namespace PgReachExporter.Classification;

/// <summary>
/// Whether a server certificate carries the host name a client dialled, decided as libpq's <c>verify-full</c> does:
/// the subjectAltName entries (DNS names, and IP addresses for an IP host) when the certificate has any, the common
/// name only when it has none; a wildcard stands for exactly one whole left-most label; names compare without case.
/// </summary>
internal static class TlsHostName
{
    public static bool Matches(string host, string? commonName, ImmutableArray<string> dnsNames, ImmutableArray<string> ipAddresses)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var hostAddress))
        {
            if (!ipAddresses.IsDefaultOrEmpty)
            {
                return ipAddresses.Any(a => IPAddress.TryParse(a, out var address) && address.Equals(hostAddress));
            }

            // libpq compares an IP host with DNS-name entries and the common name as text.
            return (dnsNames.IsDefaultOrEmpty ? [commonName] : dnsNames.Select(n => (string?)n))
                .Any(n => n is not null && string.Equals(n, host, StringComparison.OrdinalIgnoreCase));
        }

        if (!dnsNames.IsDefaultOrEmpty || !ipAddresses.IsDefaultOrEmpty)
        {
            return !dnsNames.IsDefaultOrEmpty && dnsNames.Any(n => NameMatches(n, host));
        }

        return commonName is not null && NameMatches(commonName, host);
    }

    /// <summary>The names a certificate is good for, as an engineer would list them: SANs, else the common name.</summary>
    public static IReadOnlyList<string> Names(string? commonName, ImmutableArray<string> dnsNames, ImmutableArray<string> ipAddresses)
    {
        var names = (dnsNames.IsDefault ? [] : dnsNames).Concat(ipAddresses.IsDefault ? [] : ipAddresses).ToList();
        return names.Count > 0 || commonName is null ? names : [commonName];
    }

    private static bool NameMatches(string pattern, string host)
    {
        host = host.TrimEnd('.');
        pattern = pattern.TrimEnd('.');
        if (!pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
        }

        var dot = host.IndexOf('.');
        return dot > 0 && string.Equals(pattern[1..], host[dot..], StringComparison.OrdinalIgnoreCase);
    }
}

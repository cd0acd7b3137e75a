using System.Net;
using System.Text;

namespace PgReachExporter.Configuration;

/// <summary>
/// What a target's host may be: a DNS name, an IP address, or a Unix socket directory. Anything else could only ever
/// fail later as a DNS error, so it is refused when the configuration is read.
/// </summary>
internal static class HostName
{
    /// <summary>A DNS name is at most 253 characters, each label 1 to 63.</summary>
    public const int MaxNameLength = 253;

    private const int MaxLabelLength = 63;

    /// <summary>
    /// A socket directory's socket, "DIR/.s.PGSQL.PORT", must fit in sun_path (108 bytes with its terminating NUL);
    /// the longest socket file name is 15 bytes.
    /// </summary>
    public const int MaxSocketDirectoryBytes = 107 - 15;

    /// <summary>Null when <paramref name="host"/> is usable, otherwise what is wrong with it (quoting it safely).</summary>
    public static string? Problem(string host)
    {
        if (host.Length == 0)
        {
            return "is empty";
        }

        var shown = ConfigurationError.Quote(host);
        if (host.Any(char.IsControl))
        {
            return $"{shown} contains control characters";
        }

        if (host.StartsWith('/'))
        {
            return Encoding.UTF8.GetByteCount(host) > MaxSocketDirectoryBytes
                ? $"{shown} is longer than a Unix socket directory may be ({MaxSocketDirectoryBytes} bytes, so that its socket path fits)"
                : null;
        }

        if (host.Contains(':') || host.StartsWith('['))
        {
            // Only IPv6 has a colon; a zone (fe80::1%eth0) is allowed, brackets belong to URIs only.
            return !host.StartsWith('[') && IPAddress.TryParse(host, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                ? null
                : $"{shown} is not an IPv6 address (write IPv6 without brackets here; a port goes in Port)";
        }

        if (host.Length > MaxNameLength)
        {
            return $"{shown} is longer than the {MaxNameLength} characters a DNS name may have";
        }

        var labels = host.EndsWith('.') ? host[..^1].Split('.') : host.Split('.');
        foreach (var label in labels)
        {
            if (label.Length is 0 or > MaxLabelLength || label.StartsWith('-') || label.EndsWith('-')
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return $"{shown} is neither a host name, an IP address nor a Unix socket directory (an absolute path)";
            }
        }

        return null;
    }
}

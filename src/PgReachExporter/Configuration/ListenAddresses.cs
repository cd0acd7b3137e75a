using System.Globalization;
using System.Net;

namespace PgReachExporter.Configuration;

/// <summary>
/// Checks the listen addresses (--urls, ASPNETCORE_URLS or "Urls") before Kestrel reads them. Kestrel takes a port it
/// cannot parse as part of the host, and a host that is not an address as "any address", so
/// "http://127.0.0.1:26175x" would listen on http://[::]:80 without a word.
/// </summary>
internal static class ListenAddresses
{
    public const string DefaultAddress = "0.0.0.0:9930";

    /// <summary>
    /// The addresses to listen on: --urls (or ASPNETCORE_URLS, Urls) as written, or the exporter habit
    /// --web.listen-address HOST:PORT (several separated by ','), whose scheme follows from whether the web
    /// configuration turns TLS on; by default 0.0.0.0:9930. With TLS every address must be https, without it http.
    /// </summary>
    public static string Resolve(string? urls, string? webListenAddress, bool tls)
    {
        var scheme = tls ? "https" : "http";
        if (urls is not null && webListenAddress is not null)
        {
            throw new ConfigurationException([new("--web.listen-address", null, "web.listen-address", "is given together with --urls (or ASPNETCORE_URLS); use one of them")]);
        }

        var source = "listen address (--urls, ASPNETCORE_URLS or Urls)";
        if (webListenAddress is not null)
        {
            source = "--web.listen-address";
            urls = string.Join(';', webListenAddress.Split(',', StringSplitOptions.TrimEntries).Select(a => a.Contains("://", StringComparison.Ordinal) ? a : $"{scheme}://{a}"));
        }

        urls ??= $"{scheme}://{DefaultAddress}";
        Validate(urls, source);
        var mismatch = urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(a => !a.StartsWith(scheme + "://", StringComparison.OrdinalIgnoreCase));
        if (mismatch is not null)
        {
            throw new ConfigurationException([new(source, null, "urls", tls
                ? $"{ConfigurationError.Quote(mismatch)} is plain http, but the web configuration file turns TLS on (tls_server_config): write https://, or give --web.listen-address HOST:PORT"
                : $"{ConfigurationError.Quote(mismatch)} is https, which needs tls_server_config in a --web.config.file")]);
        }

        return urls;
    }

    /// <summary>Throws a <see cref="ConfigurationException"/> naming the first address that is not scheme://host:port.</summary>
    public static void Validate(string? urls, string source)
    {
        if (urls is null)
        {
            return;
        }

        var errors = urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(address => Problem(address) is { } problem ? new ConfigurationError(source, null, "urls", $"{ConfigurationError.Quote(address)} {problem}") : null)
            .OfType<ConfigurationError>()
            .ToList();
        if (errors.Count == 0 && string.IsNullOrWhiteSpace(urls))
        {
            errors.Add(new(source, null, "urls", "is empty; leave it out for the default http://0.0.0.0:9930"));
        }

        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }
    }

    private static string? Problem(string address)
    {
        const string Shape = "is not a listen address of the form http://HOST:PORT (HOST an IP address, [IPv6], localhost, * or +)";
        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return Shape;
        }

        var scheme = address[..schemeEnd];
        if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            return $"has scheme {ConfigurationError.Quote(scheme)}; use http or https";
        }

        var authority = address[(schemeEnd + 3)..];
        if (authority.EndsWith('/'))
        {
            authority = authority[..^1];
        }

        if (authority.Contains('/'))
        {
            return "has a path; the agent serves its endpoints at the root";
        }

        var colon = authority.LastIndexOf(':');
        if (colon < 0 || (authority.StartsWith('[') && colon < authority.IndexOf(']')))
        {
            return "has no port; write it explicitly (http://0.0.0.0:9930)";
        }

        var host = authority[..colon];
        var portText = authority[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            return $"has port {ConfigurationError.Quote(portText)}, which is not a number from 0 to 65535";
        }

        return IsHost(host) ? null : Shape;
    }

    private static bool IsHost(string host)
    {
        if (host is "*" or "+" || host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            return IPAddress.TryParse(host[1..^1], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }

        // Four dotted numbers only: IPAddress also takes shorthand such as "127.1", which here is far likelier a typo.
        return IPAddress.TryParse(host, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && host.Count(c => c == '.') == 3;
    }
}

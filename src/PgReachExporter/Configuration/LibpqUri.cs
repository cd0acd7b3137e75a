using System.Globalization;
using Npgsql;

namespace PgReachExporter.Configuration;

/// <summary>The parts of a libpq connection URI (postgresql://user:password@host:port/db?param=value) that a target uses.</summary>
internal sealed record LibpqUri
{
    public string? Host { get; init; }
    public int? Port { get; init; }
    public string? Database { get; init; }
    public string? Username { get; init; }
    public string? Password { get; init; }
    public SslMode? SslMode { get; init; }
    public TimeSpan? ConnectTimeout { get; init; }
    public string? SslRootCert { get; init; }
    public string? SslCert { get; init; }
    public string? SslKey { get; init; }
    public TlsProtocolVersion? SslMinProtocolVersion { get; init; }
    public TlsProtocolVersion? SslMaxProtocolVersion { get; init; }

    private static readonly string[] Schemes = ["postgresql://", "postgres://"];

    // Parameters libpq knows that change nothing about reachability probing.
    private static readonly HashSet<string> IgnoredParameters = new(StringComparer.Ordinal) { "application_name", "fallback_application_name" };

    /// <summary>Parses a URI; on failure returns null and says what is wrong without repeating the password.</summary>
    public static LibpqUri? TryParse(string text, out string? problem)
    {
        problem = null;
        var scheme = Schemes.FirstOrDefault(s => text.StartsWith(s, StringComparison.OrdinalIgnoreCase));
        if (scheme is null)
        {
            problem = "must start with postgresql:// or postgres://";
            return null;
        }

        var rest = text[scheme.Length..];
        if (rest.Length == 0)
        {
            problem = "names nothing after the scheme; give at least a host (postgresql://host/database)";
            return null;
        }

        if (!HasValidEscapes(rest))
        {
            problem = "has a '%' that is not followed by two hexadecimal digits";
            return null;
        }

        var queryStart = rest.IndexOf('?');
        var query = queryStart >= 0 ? rest[(queryStart + 1)..] : "";
        rest = queryStart >= 0 ? rest[..queryStart] : rest;

        var pathStart = rest.IndexOf('/');
        var path = pathStart >= 0 ? rest[(pathStart + 1)..] : null;
        var authority = pathStart >= 0 ? rest[..pathStart] : rest;

        var result = new LibpqUri();
        var at = authority.LastIndexOf('@');
        if (at != authority.IndexOf('@'))
        {
            problem = "has more than one '@'; write an '@' in the user name or password as %40";
            return null;
        }

        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':');
            var user = colon >= 0 ? userInfo[..colon] : userInfo;
            result = result with
            {
                Username = user.Length > 0 ? Decode(user) : null,
                Password = colon >= 0 ? Decode(userInfo[(colon + 1)..]) : null,
            };
        }

        if (authority.Contains(','))
        {
            problem = "lists several hosts; configure one target per host so each is probed and reported on its own";
            return null;
        }

        if (!TryParseHostPort(authority, out var host, out var port, out problem))
        {
            return null;
        }

        result = result with { Host = host, Port = port, Database = string.IsNullOrEmpty(path) ? null : Decode(path) };
        result = ApplyQuery(result, query, out problem);
        if (result is not null && ControlCharacterIn(result) is { } part)
        {
            problem = $"has a control character in its {part} (percent-encoded ones count)";
            return null;
        }

        return result;
    }

    private static string? ControlCharacterIn(LibpqUri uri) =>
        uri.Host?.Any(char.IsControl) == true ? "host"
        : uri.Database?.Any(char.IsControl) == true ? "database"
        : uri.Username?.Any(char.IsControl) == true ? "user name"
        : uri.Password?.Any(char.IsControl) == true ? "password"
        : null;

    private static bool HasValidEscapes(string text)
    {
        for (var i = text.IndexOf('%'); i >= 0; i = text.IndexOf('%', i + 1))
        {
            if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParseHostPort(string authority, out string? host, out int? port, out string? problem)
    {
        host = null;
        port = null;
        problem = null;
        string portText;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                problem = "has an IPv6 address without a closing ']'";
                return false;
            }

            host = authority[1..close];
            if (!System.Net.IPAddress.TryParse(host, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                problem = $"has {ConfigurationError.Quote("[" + host + "]")}, which is not an IPv6 address";
                return false;
            }

            portText = authority[(close + 1)..];
            if (portText.Length > 0 && !portText.StartsWith(':'))
            {
                problem = "has text after the IPv6 address that is not a port";
                return false;
            }

            portText = portText.Length > 0 ? portText[1..] : portText;
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            if (colon != authority.IndexOf(':'))
            {
                problem = "has more than one ':' after the host; write an IPv6 address in brackets ([::1]:5432)";
                return false;
            }

            host = colon >= 0 ? authority[..colon] : authority;
            portText = colon >= 0 ? authority[(colon + 1)..] : "";
            host = host.Length > 0 ? Decode(host) : null;
        }

        if (portText.Length > 0)
        {
            if (!TryParsePort(portText, out var value))
            {
                problem = $"has port {ConfigurationError.Quote(portText)}, which is not a number from 1 to 65535";
                return false;
            }

            port = value;
        }

        return true;
    }

    private static LibpqUri? ApplyQuery(LibpqUri result, string query, out string? problem)
    {
        problem = null;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Decode(eq >= 0 ? pair[..eq] : pair);
            var value = eq >= 0 ? Decode(pair[(eq + 1)..]) : "";
            switch (key)
            {
                case "host":
                    result = result with { Host = value };
                    break;
                case "port":
                    if (!TryParsePort(value, out var port))
                    {
                        problem = $"has port {ConfigurationError.Quote(value)}, which is not a number from 1 to 65535";
                        return null;
                    }

                    result = result with { Port = port };
                    break;
                case "dbname":
                    result = result with { Database = value };
                    break;
                case "user":
                    result = result with { Username = value };
                    break;
                case "password":
                    result = result with { Password = value };
                    break;
                case "sslmode":
                    if (!SslModeNames.TryParse(value, out var mode))
                    {
                        problem = $"has sslmode {ConfigurationError.Quote(value)}; expected one of {SslModeNames.Expected}";
                        return null;
                    }

                    result = result with { SslMode = mode };
                    break;
                case "sslrootcert":
                    result = result with { SslRootCert = value };
                    break;
                case "sslcert":
                    result = result with { SslCert = value };
                    break;
                case "sslkey":
                    result = result with { SslKey = value };
                    break;
                case "ssl_min_protocol_version" or "ssl_max_protocol_version":
                    // libpq reads an empty ssl_max_protocol_version as "no upper limit".
                    var isMax = key == "ssl_max_protocol_version";
                    if (isMax && value.Length == 0)
                    {
                        break;
                    }

                    if (!TlsProtocolVersions.TryParse(value, out var version))
                    {
                        problem = $"has {key} {ConfigurationError.Quote(value)}; expected one of {TlsProtocolVersions.Expected}";
                        return null;
                    }

                    result = isMax ? result with { SslMaxProtocolVersion = version } : result with { SslMinProtocolVersion = version };
                    break;
                case "connect_timeout":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
                    {
                        problem = $"has connect_timeout {ConfigurationError.Quote(value)}; expected a positive whole number of seconds";
                        return null;
                    }

                    result = result with { ConnectTimeout = TimeSpan.FromSeconds(seconds) };
                    break;
                default:
                    if (!IgnoredParameters.Contains(key))
                    {
                        problem = $"has unsupported parameter {ConfigurationError.Quote(key)} (supported: host, port, dbname, user, password, sslmode, sslrootcert, sslcert, sslkey, ssl_min_protocol_version, ssl_max_protocol_version, connect_timeout, application_name)";
                        return null;
                    }

                    break;
            }
        }

        return result;
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;

    private static string Decode(string text) => Uri.UnescapeDataString(text);
}

/// <summary>libpq's sslmode words and their Npgsql equivalents.</summary>
internal static class SslModeNames
{
    public const string Expected = "disable, allow, prefer, require, verify-ca, verify-full";

    public static string Name(SslMode mode) => mode switch
    {
        SslMode.Disable => "disable",
        SslMode.Allow => "allow",
        SslMode.Prefer => "prefer",
        SslMode.Require => "require",
        SslMode.VerifyCA => "verify-ca",
        SslMode.VerifyFull => "verify-full",
        _ => mode.ToString().ToLowerInvariant(),
    };

    public static bool TryParse(string? text, out SslMode mode)
    {
        mode = SslMode.Prefer;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "disable": mode = SslMode.Disable; return true;
            case "allow": mode = SslMode.Allow; return true;
            case "prefer": mode = SslMode.Prefer; return true;
            case "require": mode = SslMode.Require; return true;
            case "verify-ca" or "verifyca": mode = SslMode.VerifyCA; return true;
            case "verify-full" or "verifyfull": mode = SslMode.VerifyFull; return true;
            default: return false;
        }
    }
}

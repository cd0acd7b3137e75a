using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Authentication;

namespace PgReachExporter.Configuration;

/// <summary>
/// The web configuration file as written: the exporter toolkit's format (tls_server_config, http_server_config,
/// basic_auth_users, rate_limit), checked field by field but with no file besides itself read yet.
/// </summary>
internal sealed record WebConfigDocument(
    string File,
    TlsServerConfig? Tls,
    HttpServerConfig Http,
    ImmutableSortedDictionary<string, string> Users,
    RateLimitConfig? RateLimit);

/// <summary>A PEM value given either as a file (made absolute against the web configuration file's directory) or inline.</summary>
internal sealed record PemSource(string? Path, string? Inline)
{
    public override string ToString() => Path ?? "(inline)";
}

/// <summary>tls_server_config: the server certificate, how clients authenticate, TLS versions and suites.</summary>
internal sealed record TlsServerConfig(
    PemSource Certificate,
    PemSource Key,
    ClientAuthType ClientAuth,
    PemSource? ClientCa,
    ImmutableArray<string> ClientAllowedSans,
    TlsVersion MinVersion,
    TlsVersion MaxVersion,
    ImmutableArray<TlsCipherSuite> CipherSuites,
    bool PreferServerCipherSuites,
    ImmutableArray<string> CurvePreferences)
{
    /// <summary>The TLS versions from min_version to max_version.</summary>
    public SslProtocols Protocols => TlsVersions.Range(MinVersion, MaxVersion);

    public bool Equals(TlsServerConfig? other) =>
        other is not null && Certificate == other.Certificate && Key == other.Key && ClientAuth == other.ClientAuth && ClientCa == other.ClientCa
        && ClientAllowedSans.SequenceEqual(other.ClientAllowedSans) && MinVersion == other.MinVersion && MaxVersion == other.MaxVersion
        && CipherSuites.SequenceEqual(other.CipherSuites) && PreferServerCipherSuites == other.PreferServerCipherSuites
        && CurvePreferences.SequenceEqual(other.CurvePreferences);

    public override int GetHashCode() => HashCode.Combine(Certificate, Key, ClientAuth, ClientCa, MinVersion, MaxVersion);
}

/// <summary>http_server_config: HTTP/2 on TLS connections, and the security headers added to every answer.</summary>
internal sealed record HttpServerConfig(bool Http2, ImmutableSortedDictionary<string, string> Headers)
{
    public static readonly HttpServerConfig Default = new(true, ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal));

    public bool Equals(HttpServerConfig? other) => other is not null && Http2 == other.Http2 && Headers.SequenceEqual(other.Headers);

    public override int GetHashCode() => HashCode.Combine(Http2, Headers.Count);
}

/// <summary>rate_limit: a token bucket of <see cref="Burst"/> requests, refilled by one every <see cref="Interval"/>.</summary>
internal sealed record RateLimitConfig(TimeSpan Interval, int Burst);

/// <summary>client_auth_type: the five policies of Go's crypto/tls, by the toolkit's names.</summary>
internal enum ClientAuthType
{
    NoClientCert,
    RequestClientCert,
    RequireAnyClientCert,
    VerifyClientCertIfGiven,
    RequireAndVerifyClientCert,
}

/// <summary>min_version and max_version.</summary>
internal enum TlsVersion
{
    Tls10,
    Tls11,
    Tls12,
    Tls13,
}

/// <summary>The toolkit's TLS version names and what they are in .NET.</summary>
internal static class TlsVersions
{
    public static readonly ImmutableArray<string> Names = ["TLS10", "TLS11", "TLS12", "TLS13"];

    public static TlsVersion? Parse(string name) => Names.IndexOf(name) is var i and >= 0 ? (TlsVersion)i : null;

    public static string Name(TlsVersion version) => Names[(int)version];

#pragma warning disable SYSLIB0039 // TLS 1.0 and 1.1 exist in the format; the toolkit (and OpenSSL's security level) decide whether they work.
    public static SslProtocols Range(TlsVersion min, TlsVersion max)
    {
        SslProtocols[] all = [SslProtocols.Tls, SslProtocols.Tls11, SslProtocols.Tls12, SslProtocols.Tls13];
        var protocols = SslProtocols.None;
        for (var v = (int)min; v <= (int)max; v++)
        {
            protocols |= all[v];
        }

        return protocols;
    }
#pragma warning restore SYSLIB0039
}

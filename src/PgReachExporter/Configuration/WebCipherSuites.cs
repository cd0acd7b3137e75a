using System.Collections.Immutable;
using System.Net.Security;

namespace PgReachExporter.Configuration;

/// <summary>
/// cipher_suites by Go's names (the toolkit accepts those of crypto/tls.CipherSuites()), which are the IANA names .NET's
/// <see cref="TlsCipherSuite"/> uses too. Go applies the list to TLS 1.2 and earlier only; .NET's policy covers TLS 1.3 as
/// well, so the TLS 1.3 suites are always added to keep TLS 1.3 working as it does in Go.
/// </summary>
internal static class WebCipherSuites
{
    public static readonly ImmutableArray<TlsCipherSuite> Tls13 =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>The names Go's tls.CipherSuites() lists.</summary>
    public static readonly ImmutableArray<TlsCipherSuite> Known =
    [
        TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
        TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
        .. Tls13,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>curve_preferences names the toolkit accepts (validated, but not applied: see docs/web-configuration.md).</summary>
    public static readonly ImmutableArray<string> Curves = ["CurveP256", "CurveP384", "CurveP521", "X25519"];

    public static TlsCipherSuite? Parse(string name) => Known.FirstOrDefault(s => s.ToString() == name) is var suite && suite.ToString() == name ? suite : null;

    /// <summary>The suites to offer: the configured ones in their order, then TLS 1.3's.</summary>
    public static IEnumerable<TlsCipherSuite> Policy(ImmutableArray<TlsCipherSuite> configured) => configured.Concat(Tls13).Distinct();
}

using System.Security.Authentication;
using PgReachExporter.Configuration;

namespace PgReachExporter.Probes;

/// <summary>
/// The TLS versions a target's client offers (libpq's ssl_min_protocol_version to ssl_max_protocol_version), as .NET
/// enables them: the TLS probe's handshake and the login's use the same set, so both see what a libpq client would.
/// </summary>
internal static class TlsClientProtocols
{
    public static SslProtocols Enabled(TlsDefinition tls)
    {
        var enabled = SslProtocols.None;
        foreach (var version in Enum.GetValues<TlsProtocolVersion>())
        {
            if (version >= tls.MinProtocol && version <= (tls.MaxProtocol ?? TlsProtocolVersions.Newest))
            {
                enabled |= Of(version);
            }
        }

        return enabled;
    }

#pragma warning disable SYSLIB0039 // TLS 1.0 and 1.1 are offered only where a target asks for them, as libpq would.
    private static SslProtocols Of(TlsProtocolVersion version) => version switch
    {
        TlsProtocolVersion.Tls10 => SslProtocols.Tls,
        TlsProtocolVersion.Tls11 => SslProtocols.Tls11,
        TlsProtocolVersion.Tls12 => SslProtocols.Tls12,
        _ => SslProtocols.Tls13,
    };
#pragma warning restore SYSLIB0039
}

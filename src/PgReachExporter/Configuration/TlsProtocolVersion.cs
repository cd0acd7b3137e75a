namespace PgReachExporter.Configuration;

/// <summary>A TLS protocol version as libpq's ssl_min_protocol_version and ssl_max_protocol_version name it.</summary>
internal enum TlsProtocolVersion
{
    Tls10,
    Tls11,
    Tls12,
    Tls13,
}

/// <summary>libpq's words for <see cref="TlsProtocolVersion"/> (TLSv1, TLSv1.1, TLSv1.2, TLSv1.3; case-insensitive, as libpq reads them).</summary>
internal static class TlsProtocolVersions
{
    public const string Expected = "TLSv1, TLSv1.1, TLSv1.2, TLSv1.3";

    /// <summary>libpq's default ssl_min_protocol_version.</summary>
    public const TlsProtocolVersion DefaultMinimum = TlsProtocolVersion.Tls12;

    /// <summary>The newest version the client can speak: the upper end when no ssl_max_protocol_version is set.</summary>
    public const TlsProtocolVersion Newest = TlsProtocolVersion.Tls13;

    public static string Name(TlsProtocolVersion version) => version switch
    {
        TlsProtocolVersion.Tls10 => "TLSv1",
        TlsProtocolVersion.Tls11 => "TLSv1.1",
        TlsProtocolVersion.Tls12 => "TLSv1.2",
        _ => "TLSv1.3",
    };

    public static bool TryParse(string? text, out TlsProtocolVersion version)
    {
        foreach (var candidate in Enum.GetValues<TlsProtocolVersion>())
        {
            if (string.Equals(text, Name(candidate), StringComparison.OrdinalIgnoreCase))
            {
                version = candidate;
                return true;
            }
        }

        version = DefaultMinimum;
        return false;
    }
}

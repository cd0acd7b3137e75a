namespace PgReachExporter.Hba;

/// <summary>The connection types of pg_hba.conf, used both for rules and for expected clients.</summary>
/// <remarks>
/// As a client's type, <see cref="Host"/>, <see cref="HostNoSsl"/> and <see cref="HostNoGssEnc"/> all mean a
/// plain TCP connection (neither SSL nor GSSAPI encryption); <see cref="HostSsl"/> means TCP with SSL and
/// <see cref="HostGssEnc"/> TCP with GSSAPI encryption. PostgreSQL never uses both on one connection.
/// </remarks>
internal enum HbaConnectionType
{
    Local,
    Host,
    HostSsl,
    HostNoSsl,
    HostGssEnc,
    HostNoGssEnc,
}

/// <summary>Conversions between <see cref="HbaConnectionType"/> and the words of pg_hba.conf.</summary>
internal static class HbaConnectionTypes
{
    public static bool TryParse(string? text, out HbaConnectionType type)
    {
        switch (text)
        {
            case "local": type = HbaConnectionType.Local; return true;
            case "host": type = HbaConnectionType.Host; return true;
            case "hostssl": type = HbaConnectionType.HostSsl; return true;
            case "hostnossl": type = HbaConnectionType.HostNoSsl; return true;
            case "hostgssenc": type = HbaConnectionType.HostGssEnc; return true;
            case "hostnogssenc": type = HbaConnectionType.HostNoGssEnc; return true;
            default: type = default; return false;
        }
    }

    public static string ToKeyword(this HbaConnectionType type) => type switch
    {
        HbaConnectionType.Local => "local",
        HbaConnectionType.Host => "host",
        HbaConnectionType.HostSsl => "hostssl",
        HbaConnectionType.HostNoSsl => "hostnossl",
        HbaConnectionType.HostGssEnc => "hostgssenc",
        HbaConnectionType.HostNoGssEnc => "hostnogssenc",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The transports a rule of this type accepts.</summary>
    internal static HbaTransports RuleAccepts(HbaConnectionType type) => type switch
    {
        HbaConnectionType.Local => HbaTransports.UnixSocket,
        HbaConnectionType.Host => HbaTransports.AnyTcp,
        HbaConnectionType.HostSsl => HbaTransports.TcpSsl,
        HbaConnectionType.HostNoSsl => HbaTransports.TcpPlain | HbaTransports.TcpGssEnc,
        HbaConnectionType.HostGssEnc => HbaTransports.TcpGssEnc,
        HbaConnectionType.HostNoGssEnc => HbaTransports.TcpPlain | HbaTransports.TcpSsl,
        _ => HbaTransports.None,
    };

    /// <summary>The one transport an expected client of this type uses.</summary>
    internal static HbaTransports ClientUses(HbaConnectionType type) => type switch
    {
        HbaConnectionType.Local => HbaTransports.UnixSocket,
        HbaConnectionType.HostSsl => HbaTransports.TcpSsl,
        HbaConnectionType.HostGssEnc => HbaTransports.TcpGssEnc,
        _ => HbaTransports.TcpPlain,
    };
}

/// <summary>The distinct transports PostgreSQL tells apart when matching a connection type.</summary>
[Flags]
internal enum HbaTransports
{
    None = 0,
    UnixSocket = 1,
    TcpPlain = 2,
    TcpSsl = 4,
    TcpGssEnc = 8,
    AnyTcp = TcpPlain | TcpSsl | TcpGssEnc,
}

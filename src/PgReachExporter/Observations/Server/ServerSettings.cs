using System.Collections.Immutable;
using System.Globalization;

namespace PgReachExporter.Observations;

/// <summary>What the settings check read.</summary>
/// <param name="Values">Watched settings the role can see, by name.</param>
/// <param name="PendingRestart">Every setting changed in the configuration files but waiting for a restart.</param>
/// <param name="Hidden">Watched settings the role cannot see.</param>
internal sealed record ServerSettings(ImmutableDictionary<string, string> Values, ImmutableArray<string> PendingRestart, ImmutableArray<string> Hidden)
{
    public const string ListenAddressesName = "listen_addresses";
    public const string PortName = "port";
    public const string HbaFileName = "hba_file";
    public const string SocketDirectoriesName = "unix_socket_directories";
    public const string MaxConnectionsName = "max_connections";
    public const string SuperuserReservedName = "superuser_reserved_connections";
    public const string ReservedConnectionsName = "reserved_connections";

    public const string SslName = "ssl";
    public const string SslMinProtocolName = "ssl_min_protocol_version";
    public const string SslMaxProtocolName = "ssl_max_protocol_version";
    public const string SslCertFileName = "ssl_cert_file";

    /// <summary>The TLS settings: read when the role can see them, never a reason for permission_denied.</summary>
    public static readonly IReadOnlyList<string> Tls = [SslName, SslMinProtocolName, SslMaxProtocolName, SslCertFileName];

    public static readonly IReadOnlyList<string> Common =
        [ListenAddressesName, PortName, HbaFileName, SocketDirectoriesName, MaxConnectionsName, SuperuserReservedName];

    public string? ListenAddresses => Values.GetValueOrDefault(ListenAddressesName);
    public int? Port => Number(PortName);
    public string? HbaFile => Values.GetValueOrDefault(HbaFileName);
    public string? SocketDirectories => Values.GetValueOrDefault(SocketDirectoriesName);
    public int? MaxConnections => Number(MaxConnectionsName);
    public int? SuperuserReservedConnections => Number(SuperuserReservedName);

    /// <summary>reserved_connections (PostgreSQL 16+); null before 16.</summary>
    public int? ReservedConnections => Number(ReservedConnectionsName);

    /// <summary>The running value of ssl (on or off); null when unknown.</summary>
    public bool? Ssl => Values.GetValueOrDefault(SslName) switch { "on" => true, "off" => false, _ => null };

    public string? SslMinProtocolVersion => Values.GetValueOrDefault(SslMinProtocolName);

    /// <summary>ssl_max_protocol_version; empty means no upper limit.</summary>
    public string? SslMaxProtocolVersion => Values.GetValueOrDefault(SslMaxProtocolName);

    public string? SslCertFile => Values.GetValueOrDefault(SslCertFileName);

    public bool IsPendingRestart(string name) => PendingRestart.Contains(name, StringComparer.Ordinal);

    private int? Number(string name) =>
        Values.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}

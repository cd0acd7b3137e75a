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

    public bool IsPendingRestart(string name) => PendingRestart.Contains(name, StringComparer.Ordinal);

    private int? Number(string name) =>
        Values.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}

using System.Collections.Immutable;
using System.Globalization;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>The settings that decide who can reach the server, and every setting waiting for a restart.</summary>
internal static class SettingsCheck
{
    // Settings a role without pg_read_all_settings cannot see (hba_file, unix_socket_directories) are simply missing.
    public const string Sql = """
        SELECT name, setting, pending_restart
        FROM pg_catalog.pg_settings
        WHERE name IN ('listen_addresses', 'port', 'hba_file', 'unix_socket_directories', 'max_connections',
                       'superuser_reserved_connections', 'reserved_connections')
           OR pending_restart
        """;

    /// <summary>The settings the check reads on a server of the given major version.</summary>
    public static IReadOnlyList<string> Watched(int major) => major >= 16
        ? [.. ServerSettings.Common, ServerSettings.ReservedConnectionsName]
        : ServerSettings.Common;

    public static async Task<CheckOutcome<ServerSettings>> RunAsync(MonitoringSession session, CancellationToken stopping)
    {
        var rows = await session.QueryAsync(Sql, r => (Name: r.GetString(0), Value: r.IsDBNull(1) ? null : r.GetString(1), Pending: r.GetBoolean(2)), stopping)
            .ConfigureAwait(false);
        if (!rows.Succeeded)
        {
            return rows.Failure<ServerSettings>();
        }

        var watched = Watched(session.ServerMajor);
        var values = rows.Rows.Where(r => watched.Contains(r.Name) && r.Value is not null).ToImmutableDictionary(r => r.Name, r => r.Value!, StringComparer.Ordinal);
        var settings = new ServerSettings(values, [.. rows.Rows.Where(r => r.Pending).Select(r => r.Name).Order(StringComparer.Ordinal)],
            [.. watched.Where(w => !values.ContainsKey(w))]);
        return settings.Hidden.IsEmpty
            ? CheckOutcome<ServerSettings>.Ok(settings)
            : new(ServerCheckResult.PermissionDenied, settings, $"the monitoring role cannot see {string.Join(", ", settings.Hidden)} (needs pg_read_all_settings, part of pg_monitor)");
    }
}

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

using System.Collections.Immutable;
using System.Globalization;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>The settings that decide who can reach the server, and every setting waiting for a restart.</summary>
internal static class SettingsCheck
{
    /// <summary>The check's name: its <c>check</c> label.</summary>
    public const string Name = "settings";

    // Settings a role without pg_read_all_settings cannot see (hba_file, unix_socket_directories) are simply missing.
    public const string Sql = """
        SELECT name, setting, pending_restart
        FROM pg_catalog.pg_settings
        WHERE name IN ('listen_addresses', 'port', 'hba_file', 'unix_socket_directories', 'max_connections',
                       'superuser_reserved_connections', 'reserved_connections',
                       'ssl', 'ssl_min_protocol_version', 'ssl_max_protocol_version', 'ssl_cert_file')
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
        var values = rows.Rows.Where(r => (watched.Contains(r.Name) || ServerSettings.Tls.Contains(r.Name)) && r.Value is not null).ToImmutableDictionary(r => r.Name, r => r.Value!, StringComparer.Ordinal);
        var settings = new ServerSettings(values, [.. rows.Rows.Where(r => r.Pending).Select(r => r.Name).Order(StringComparer.Ordinal)],
            [.. watched.Where(w => !values.ContainsKey(w))]);
        return settings.Hidden.IsEmpty
            ? CheckOutcome<ServerSettings>.Ok(settings)
            : new(ServerCheckResult.PermissionDenied, settings, $"the monitoring role cannot see {string.Join(", ", settings.Hidden)} (needs pg_read_all_settings, part of pg_monitor)");
    }
}

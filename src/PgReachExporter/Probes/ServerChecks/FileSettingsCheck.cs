using System.Collections.Immutable;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>
/// listen_addresses and port as written in the configuration files (pg_file_settings, which reads them now), so a
/// change waiting for a restart can be judged before it is applied. Needs SELECT on pg_file_settings and EXECUTE on
/// pg_show_all_file_settings(), superuser-only by default (docs/monitoring-role.md).
/// </summary>
internal static class FileSettingsCheck
{
    /// <summary>The check's name: its <c>check</c> label.</summary>
    public const string Name = "file_settings";

    // The last line of a setting wins (ALTER SYSTEM's postgresql.auto.conf is read last); with no line the built-in
    // default applies at the next start, which pg_settings.boot_val gives.
    public const string Sql = """
        SELECT s.name, s.boot_val, f.setting, f.sourcefile, f.sourceline
        FROM pg_catalog.pg_settings s
        LEFT JOIN LATERAL (
            SELECT fs.setting, fs.sourcefile, fs.sourceline
            FROM pg_catalog.pg_file_settings fs
            WHERE fs.name = s.name
            ORDER BY fs.seqno DESC
            LIMIT 1) f ON true
        WHERE s.name IN ('listen_addresses', 'port')
        """;

    public static async Task<CheckOutcome<FileSettings>> RunAsync(MonitoringSession session, CancellationToken stopping)
    {
        var rows = await session.QueryAsync(Sql, r => r.IsDBNull(2)
            ? new FileSetting(r.GetString(0), r.IsDBNull(1) ? "" : r.GetString(1), null, null)
            : new FileSetting(r.GetString(0), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetInt32(4)), stopping)
            .ConfigureAwait(false);
        return rows.Succeeded
            ? CheckOutcome<FileSettings>.Ok(new FileSettings(rows.Rows.ToImmutableDictionary(r => r.Name, StringComparer.Ordinal)))
            : rows.Failure<FileSettings>();
    }
}

using PgReachExporter.Observations;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>Which server answers: version, the address and port it answered on, its system identifier, start and reload times.</summary>
internal static class IdentityCheck
{
    /// <summary>The check's name: its <c>check</c> label.</summary>
    public const string Name = "identity";

    // inet_server_addr() and inet_server_port() are null over a Unix socket.
    public const string Sql = """
        SELECT pg_catalog.current_setting('server_version_num')::int,
               pg_catalog.current_setting('server_version'),
               pg_catalog.host(pg_catalog.inet_server_addr()),
               pg_catalog.inet_server_port(),
               (SELECT system_identifier::text FROM pg_catalog.pg_control_system()),
               pg_catalog.pg_postmaster_start_time(),
               pg_catalog.pg_conf_load_time(),
               pg_catalog.pg_is_in_recovery()
        """;

    public static async Task<CheckOutcome<ServerIdentity>> RunAsync(MonitoringSession session, CancellationToken stopping)
    {
        var rows = await session.QueryAsync(Sql, r => new ServerIdentity(
            VersionNumber: r.GetInt32(0),
            Version: r.GetString(1),
            ServerAddress: r.IsDBNull(2) ? null : r.GetString(2),
            ServerPort: r.IsDBNull(3) ? null : r.GetInt32(3),
            SystemIdentifier: r.IsDBNull(4) ? null : r.GetString(4),
            PostmasterStartTime: r.GetFieldValue<DateTimeOffset>(5),
            ConfigLoadTime: r.GetFieldValue<DateTimeOffset>(6),
            InRecovery: r.GetBoolean(7)), stopping).ConfigureAwait(false);
        return rows.Succeeded ? CheckOutcome<ServerIdentity>.Ok(rows.Rows.Single()) : rows.Failure<ServerIdentity>();
    }
}

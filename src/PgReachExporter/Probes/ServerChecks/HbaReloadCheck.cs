using PgReachExporter.Observations;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>Whether pg_hba.conf on disk changed after the server last loaded its configuration.</summary>
/// <remarks>
/// pg_stat_file reports whole seconds, so an edit within the same second as the last reload is not seen as pending;
/// the comparison never reports a false pending. Needs EXECUTE on pg_stat_file(text, boolean) and, for an hba file
/// outside the data directory, pg_read_server_files (see docs/monitoring-role.md).
/// </remarks>
internal static class HbaReloadCheck
{
    /// <summary>The check's name: its <c>check</c> label.</summary>
    public const string Name = "hba_reload";

    public const string Sql = """
        SELECT (pg_catalog.pg_stat_file(pg_catalog.current_setting('hba_file'), true)).modification,
               pg_catalog.pg_conf_load_time(),
               pg_catalog.current_setting('hba_file')
        """;

    public static async Task<CheckOutcome<HbaReloadState>> RunAsync(MonitoringSession session, CancellationToken stopping)
    {
        var rows = await session.QueryAsync(Sql, r => (
            Modified: r.IsDBNull(0) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(0),
            Loaded: r.GetFieldValue<DateTimeOffset>(1),
            File: r.GetString(2)), stopping).ConfigureAwait(false);
        if (!rows.Succeeded)
        {
            return rows.Failure<HbaReloadState>();
        }

        var (modified, loaded, file) = rows.Rows.Single();
        return modified is { } time
            ? CheckOutcome<HbaReloadState>.Ok(new HbaReloadState(time, loaded))
            : CheckOutcome<HbaReloadState>.Failed(ServerCheckResult.Error, $"the hba file {file} does not exist");
    }
}

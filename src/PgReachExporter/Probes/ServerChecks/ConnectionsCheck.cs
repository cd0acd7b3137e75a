using System.Collections.Immutable;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>Client backends by state, which with max_connections and the reserved slots gives saturation.</summary>
internal static class ConnectionsCheck
{
    /// <summary>The check's name: its <c>check</c> label.</summary>
    public const string Name = "connections";

    // Without pg_read_all_stats (part of pg_monitor) other roles' sessions show a null state: counted as unknown.
    public const string Sql = """
        SELECT state, count(*)::int
        FROM pg_catalog.pg_stat_activity
        WHERE backend_type = 'client backend'
        GROUP BY state
        """;

    public static async Task<CheckOutcome<ConnectionCounts>> RunAsync(MonitoringSession session, CancellationToken stopping)
    {
        var rows = await session.QueryAsync(Sql, r => (State: BackendStates.Parse(r.IsDBNull(0) ? null : r.GetString(0)), Count: r.GetInt32(1)), stopping)
            .ConfigureAwait(false);
        if (!rows.Succeeded)
        {
            return rows.Failure<ConnectionCounts>();
        }

        var counts = rows.Rows.GroupBy(r => r.State).ToImmutableDictionary(g => g.Key, g => g.Sum(r => r.Count));
        return CheckOutcome<ConnectionCounts>.Ok(new ConnectionCounts(counts));
    }
}

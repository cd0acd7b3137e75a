using System.Collections.Immutable;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>Client backends by state, which with max_connections and the reserved slots gives saturation.</summary>
internal static class ConnectionsCheck
{
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

/// <summary>Client backends by state; the agent's own monitoring session is one of them.</summary>
internal sealed record ConnectionCounts(ImmutableDictionary<BackendState, int> ByState)
{
    public int Total => ByState.Values.Sum();

    public int this[BackendState state] => ByState.GetValueOrDefault(state);
}

/// <summary>pg_stat_activity.state, closed: anything else (or a state the role may not see) is <see cref="Unknown"/>.</summary>
internal enum BackendState
{
    Active,
    Idle,
    IdleInTransaction,
    IdleInTransactionAborted,
    FastpathFunctionCall,
    Disabled,
    Unknown,
}

/// <summary>Parsing and label values of <see cref="BackendState"/>.</summary>
internal static class BackendStates
{
    public static readonly BackendState[] All = Enum.GetValues<BackendState>();

    public static BackendState Parse(string? state) => state switch
    {
        "active" => BackendState.Active,
        "idle" => BackendState.Idle,
        "idle in transaction" => BackendState.IdleInTransaction,
        "idle in transaction (aborted)" => BackendState.IdleInTransactionAborted,
        "fastpath function call" => BackendState.FastpathFunctionCall,
        "disabled" => BackendState.Disabled,
        _ => BackendState.Unknown,
    };

    public static string Label(this BackendState state) => state switch
    {
        BackendState.Active => "active",
        BackendState.Idle => "idle",
        BackendState.IdleInTransaction => "idle_in_transaction",
        BackendState.IdleInTransactionAborted => "idle_in_transaction_aborted",
        BackendState.FastpathFunctionCall => "fastpath_function_call",
        BackendState.Disabled => "disabled",
        _ => "unknown",
    };
}

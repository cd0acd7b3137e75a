using System.Collections.Immutable;

namespace PgReachExporter.Observations;

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

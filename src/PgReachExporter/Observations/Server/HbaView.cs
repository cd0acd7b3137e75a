using System.Collections.Immutable;
using PgReachExporter.Hba;

namespace PgReachExporter.Observations;

/// <summary>The engine's answers for one cycle: one per expected client, and the lines that can never match.</summary>
/// <param name="ShadowedRules">Null when the rules could not be read.</param>
internal sealed record HbaView(ImmutableArray<ExpectedClientResult> Clients, IReadOnlyList<ShadowedRule>? ShadowedRules);

/// <summary>What pg_hba.conf does with one expected client.</summary>
/// <param name="Decision">The engine's decision; null when the rules could not be read.</param>
/// <param name="LaterAllowingRule">For a rejected client: a later line that would admit it, hidden by the reject line.</param>
internal sealed record ExpectedClientResult(string ClientName, HbaDecision? Decision, HbaRule? LaterAllowingRule)
{
    /// <summary>1 allowed, 0 rejected or no match, -1 unknown (also when the rules could not be read).</summary>
    public int AllowedValue => Decision?.AllowedValue ?? -1;

    /// <summary>The deciding line's number within its file; 0 when no line decides.</summary>
    public int MatchedLine => Decision?.MatchedLine ?? 0;
}

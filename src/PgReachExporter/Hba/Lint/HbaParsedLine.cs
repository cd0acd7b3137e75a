namespace PgReachExporter.Hba.Lint;

/// <summary>One pg_hba.conf line as the server would load it: the rule for the engine, or why the server rejects the line.</summary>
/// <param name="Rule">The line for the rule engine; for a rejected line a row with only its place and <see cref="HbaRule.Error"/>.</param>
/// <param name="Error">Why the server rejects the line (the whole file then fails to load); null for a line it loads.</param>
/// <param name="Notes">What the line needs from the server to ever match (ssl = on, a resolvable RADIUS server, ...).</param>
internal sealed record HbaParsedLine(HbaTokenizedLine Source, HbaRule Rule, string? Error, IReadOnlyList<string> Notes)
{
    public bool IsLoaded => Error is null;
}

namespace PgReachExporter.Hba;

/// <summary>What pg_hba.conf does with one expected client.</summary>
internal enum HbaOutcome
{
    /// <summary>A line admits the client to authentication (the password or other method may still fail).</summary>
    Allowed,

    /// <summary>The first matching line has method reject.</summary>
    Rejected,

    /// <summary>No line matches; the server rejects the connection ("no pg_hba.conf entry").</summary>
    NoMatch,

    /// <summary>
    /// The first match depends on something the engine does not know; see <see cref="HbaDecision.UnknownBecause"/>.
    /// Whether the client is admitted may still be known (<see cref="HbaDecision.Allowed"/>) when every possible line agrees.
    /// </summary>
    Unknown,
}

/// <summary>The engine's answer for one client: outcome, the line that decides it, and why, in words.</summary>
internal sealed record HbaDecision(HbaClient Client, HbaOutcome Outcome, HbaRule? MatchedRule, string Reason)
{
    /// <summary>For <see cref="HbaOutcome.Unknown"/>: what the engine would need to know; null otherwise.</summary>
    public string? UnknownBecause { get; init; }

    /// <summary>For <see cref="HbaOutcome.Unknown"/>: the lines, in order, any of which may be the first match.</summary>
    public IReadOnlyList<HbaRule> PossibleRules { get; init; } = [];

    /// <summary>The rules evaluated come from a file the server refused, so the rules in force may differ.</summary>
    public bool FileRejectedByServer { get; init; }

    /// <summary>
    /// Whether pg_hba.conf admits the client to authentication: true for <see cref="HbaOutcome.Allowed"/>, false for
    /// rejected or no match; for <see cref="HbaOutcome.Unknown"/> the answer every possible first line agrees on, else null.
    /// </summary>
    public bool? Allowed { get; init; } = Outcome switch
    {
        HbaOutcome.Allowed => true,
        HbaOutcome.Unknown => null,
        _ => false,
    };

    /// <summary>The matched line's method (reject for a rejecting line); null without a definite match.</summary>
    public string? AuthMethod => MatchedRule?.AuthMethod;

    /// <summary>1 allowed, 0 rejected or no match, -1 unknown: the value of the allowed gauge.</summary>
    public int AllowedValue => Allowed switch
    {
        true => 1,
        false => 0,
        null => -1,
    };

    /// <summary>The deciding line's number in its file, 0 when no line decides.</summary>
    public int MatchedLine => MatchedRule?.LineNumber ?? 0;
}

namespace PgReachExporter.Hba;

/// <summary>Answers, with PostgreSQL's first-match semantics, which pg_hba line admits or rejects a client, and which lines can never match.</summary>
/// <remarks>
/// Pure: no I/O. Lines are tried in order exactly as check_hba() does (connection type, address, database, user);
/// the first line matching all four decides, and no match means the server rejects the client. Each test is
/// three-valued: what the engine cannot know (samehost, samenet, host names, regular expressions, +role or samerole
/// without membership data, an unknown connection type) makes a line's match unknown, and an unknown line before the
/// first definite match makes the whole answer unknown, naming the line and the reason. A concrete client (one IP,
/// database, user) therefore always gets a definite answer unless such a line stands before its first match.
/// A client given as a CIDR stands for every address in it: the answer is definite only when every address takes
/// the same first line; a subnet split across lines is unknown, naming the line that splits it and the next one.
/// Names compare case-sensitively; tokens are read as the view shows them (quotes lost, so "all" is the keyword,
/// a leading + is a group and a leading / a regular expression). Error rows never match (see <see cref="HbaRuleSet"/>).
/// </remarks>
internal static class HbaRuleEngine
{
    public static HbaDecision Evaluate(IEnumerable<HbaRule> rules, HbaClient client, RoleMembership? membership) =>
        Evaluate(HbaRuleSet.Compile(rules), client, membership);

    public static HbaDecision Evaluate(HbaRuleSet rules, HbaClient client, RoleMembership? membership)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var resolved = HbaResolvedClient.From(client, rules.Names);
        List<HbaRule>? possible = null;
        string? firstDoubt = null;
        // Lines naming only other databases cannot match; the lookup yields the rest in file order.
        foreach (var position in rules.DatabaseLookup.CandidatesFor(resolved.DatabaseId))
        {
            var rule = rules.Rules[position];
            var match = HbaRuleMatcher.Match(rule, resolved, membership);
            if (match.Kind == HbaMatch.No)
                continue;
            if (match.Kind == HbaMatch.Yes && possible is null)
                return Definite(rules, client, rule.Rule);

            (possible ??= []).Add(rule.Rule);
            firstDoubt ??= $"{rule.Rule.Location} ({rule.Rule.Describe()}): {match.Why}";
            if (match.Kind == HbaMatch.Yes)
                return Unknown(rules, client, possible, firstDoubt, rule.Rule);
        }

        return possible is null ? NoMatch(rules, client) : Unknown(rules, client, possible, firstDoubt!, decider: null);
    }

    public static IReadOnlyList<HbaDecision> EvaluateAll(HbaRuleSet rules, IReadOnlyList<HbaClient> clients, RoleMembership? membership)
    {
        ArgumentNullException.ThrowIfNull(clients);
        var decisions = new HbaDecision[clients.Count];
        for (var i = 0; i < decisions.Length; i++)
            decisions[i] = Evaluate(rules, clients[i], membership);
        return decisions;
    }

    /// <summary>Lines that can never be the first match, each with the earlier lines that cover it.</summary>
    public static IReadOnlyList<ShadowedRule> FindShadowedRules(HbaRuleSet rules, RoleMembership? membership) =>
        HbaShadowDetector.Find(rules, membership);

    public static IReadOnlyList<ShadowedRule> FindShadowedRules(IEnumerable<HbaRule> rules, RoleMembership? membership) =>
        HbaShadowDetector.Find(HbaRuleSet.Compile(rules), membership);

    /// <summary>Everything one evaluation cycle needs: decisions for all clients, shadowed lines, error rows.</summary>
    public static HbaAnalysis Analyze(HbaRuleSet rules, IReadOnlyList<HbaClient> clients, RoleMembership? membership) =>
        new(EvaluateAll(rules, clients, membership), FindShadowedRules(rules, membership), rules.ErrorRows, rules.FileRejectedByServer);

    private static HbaDecision Definite(HbaRuleSet rules, HbaClient client, HbaRule rule)
    {
        var outcome = rule.IsReject ? HbaOutcome.Rejected : HbaOutcome.Allowed;
        var verb = rule.IsReject ? "rejects it" : $"admits it to {rule.AuthMethod} authentication";
        return new HbaDecision(client, outcome, rule, $"{rule.Location} ({rule.Describe()}) is the first match and {verb}{Staleness(rules)}")
        {
            FileRejectedByServer = rules.FileRejectedByServer,
        };
    }

    private static HbaDecision NoMatch(HbaRuleSet rules, HbaClient client) =>
        new(client, HbaOutcome.NoMatch, null, $"no line matches the {client.Describe()}, so the server rejects it{Staleness(rules)}")
        {
            FileRejectedByServer = rules.FileRejectedByServer,
        };

    private static HbaDecision Unknown(HbaRuleSet rules, HbaClient client, List<HbaRule> possible, string firstDoubt, HbaRule? decider)
    {
        var otherwise = decider is null
            ? "otherwise no line matches"
            : $"otherwise {decider.Location} ({decider.Describe()}) decides";
        // Every connection of this client takes one of the possible lines, or no line when nothing definite follows.
        var admitting = possible.Count(r => !r.IsReject);
        bool? allowed = admitting == possible.Count && decider is not null ? true
            : admitting == 0 ? false
            : null;
        var eitherWay = allowed switch
        {
            true => "; either way it is admitted",
            false => "; either way it is rejected",
            null => "",
        };
        return new HbaDecision(client, HbaOutcome.Unknown, null, $"cannot tell which line matches first: {firstDoubt}; {otherwise}{eitherWay}{Staleness(rules)}")
        {
            UnknownBecause = firstDoubt,
            PossibleRules = possible,
            Allowed = allowed,
            FileRejectedByServer = rules.FileRejectedByServer,
        };
    }

    private static string Staleness(HbaRuleSet rules) => rules.FileRejectedByServer
        ? " (judged on pg_hba.conf as on disk; it has lines the server cannot parse, so the server may still use older rules)"
        : "";
}

using System.Collections.Immutable;
using PgReachExporter.Configuration;
using PgReachExporter.Hba;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>Puts the declared expected clients and the server's pg_hba rows through the rule engine (pure).</summary>
internal static class HbaEvaluation
{
    /// <param name="rules">The rows read; null when they could not be read, which makes every client unknown.</param>
    /// <param name="roles">Roles and memberships; null when unreadable, which makes +role and samerole lines unknown.</param>
    public static HbaView Evaluate(IReadOnlyList<ExpectedClientDefinition> clients, HbaFileRules? rules, RoleGraph? roles)
    {
        if (rules is null)
        {
            return new HbaView([.. clients.Select(c => new ExpectedClientResult(c.Name, null, null))], null);
        }

        var membership = roles is null ? null : RoleMembership.FromGrants(roles.Roles, roles.Grants);
        var set = HbaRuleSet.Compile(rules.Rows);
        var results = clients.Select(c => Judge(c, rules.Rows, set, membership)).ToImmutableArray();
        return new HbaView(results, HbaRuleEngine.FindShadowedRules(set, membership));
    }

    /// <summary>The clients under the rules in force and under the rules a reload would leave in force; shadowed lines are always those on disk.</summary>
    public static (HbaView InForce, HbaView AfterReload) EvaluateSides(
        IReadOnlyList<ExpectedClientDefinition> clients, HbaFileRules? disk, HbaRuleSides sides, RoleGraph? roles)
    {
        var onDisk = Evaluate(clients, disk, roles);
        HbaView Judge(HbaFileRules? rules) => ReferenceEquals(rules, disk) ? onDisk : Evaluate(clients, rules, roles) with { ShadowedRules = onDisk.ShadowedRules };
        return (Judge(sides.InForce), Judge(sides.AfterReload));
    }

    public static HbaClient ToHbaClient(ExpectedClientDefinition client)
    {
        HbaConnectionTypes.TryParse(client.Type, out var type);
        return new HbaClient(client.Name, client.Address, client.Database, client.User, type);
    }

    private static ExpectedClientResult Judge(ExpectedClientDefinition client, ImmutableArray<HbaRule> rows, HbaRuleSet set, RoleMembership? membership)
    {
        var hbaClient = ToHbaClient(client);
        var decision = HbaRuleEngine.Evaluate(set, hbaClient, membership);
        if (decision is not { Outcome: HbaOutcome.Rejected, MatchedRule: { } blocker })
        {
            return new ExpectedClientResult(client.Name, decision, null);
        }

        // A reject line hides any later line that would have let the client in: find the first such line.
        var after = rows.SkipWhile(r => !ReferenceEquals(r, blocker)).Skip(1);
        var later = HbaRuleEngine.Evaluate(after, hbaClient, membership);
        return new ExpectedClientResult(client.Name, decision, later.Outcome == HbaOutcome.Allowed ? later.MatchedRule : null);
    }
}

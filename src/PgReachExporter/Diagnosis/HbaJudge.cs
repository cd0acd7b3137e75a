using PgReachExporter.Hba;

namespace PgReachExporter.Diagnosis;

/// <summary>
/// The pg_hba rules in force, ready to judge a client the engine only knows at diagnosis time (the probe's own
/// connection, from the address the TCP probe connected from). Pure: the compiled rules and the role memberships.
/// </summary>
internal sealed class HbaJudge(HbaRuleSet rules, RoleMembership? membership)
{
    public HbaDecision Decide(HbaClient client) => HbaRuleEngine.Evaluate(rules, client, membership);
}

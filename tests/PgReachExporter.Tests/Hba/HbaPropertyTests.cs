using PgReachExporter.Hba;

namespace PgReachExporter.Tests.Hba;

/// <summary>Invariants checked over seeded random rule lists, clients and worlds (seeds fixed so failures reproduce).</summary>
public class HbaPropertyTests
{
    private const int RuleSets = 150;
    private const int ClientsPerSet = 30;
    private const int WorldsPerSet = 4;

    public static TheoryData<int> Seeds => new() { 1, 2, 3, 4 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Definite_answers_agree_with_postgresql_semantics_in_every_world(int seed)
    {
        var generator = new HbaGenerator(seed);
        for (var set = 0; set < RuleSets; set++)
        {
            var rules = generator.RuleList(4 + set % 12);
            var grants = generator.Grants();
            var compiled = HbaRuleSet.Compile(rules);
            var worlds = Enumerable.Range(0, WorldsPerSet).Select(_ => generator.World(grants)).ToList();
            for (var c = 0; c < ClientsPerSet; c++)
            {
                var client = generator.Client();
                var known = HbaRuleEngine.Evaluate(compiled, client, HbaGenerator.Membership(grants));
                var unknownMembership = HbaRuleEngine.Evaluate(compiled, client, null);
                foreach (var world in worlds)
                {
                    var truth = HbaOracle.FirstMatch(rules, client, world);
                    AssertConsistent(known, truth, rules, client);
                    AssertConsistent(unknownMembership, truth, rules, client);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Concrete_clients_get_definite_answers_when_no_rule_needs_unknown_facts(int seed)
    {
        var generator = new HbaGenerator(seed);
        for (var set = 0; set < RuleSets; set++)
        {
            var rules = generator.RuleList(4 + set % 12, exactOnly: true);
            var grants = generator.Grants();
            var compiled = HbaRuleSet.Compile(rules);
            var world = generator.World(grants);
            for (var c = 0; c < ClientsPerSet; c++)
            {
                var client = generator.Client();
                var decision = HbaRuleEngine.Evaluate(compiled, client, HbaGenerator.Membership(grants));

                Assert.NotEqual(HbaOutcome.Unknown, decision.Outcome);
                Assert.Equal(HbaOracle.FirstMatch(rules, client, world)?.LineNumber ?? 0, decision.MatchedLine);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Matched_line_is_the_first_line_that_matches_on_its_own(int seed)
    {
        var generator = new HbaGenerator(seed);
        for (var set = 0; set < RuleSets; set++)
        {
            var rules = generator.RuleList(4 + set % 12);
            var membership = set % 2 == 0 ? HbaGenerator.Membership(generator.Grants()) : null;
            var compiled = HbaRuleSet.Compile(rules);
            for (var c = 0; c < ClientsPerSet; c++)
            {
                var client = c % 5 == 0 ? generator.SubnetClient() : generator.Client();
                var alone = rules.Where(r => r.Error is null)
                    .Select(r => (Rule: r, Decision: HbaRuleEngine.Evaluate([r], client, membership)))
                    .Where(x => x.Decision.Outcome != HbaOutcome.NoMatch)
                    .ToList();
                var decision = HbaRuleEngine.Evaluate(compiled, client, membership);

                if (alone.Count == 0)
                {
                    Assert.Equal(HbaOutcome.NoMatch, decision.Outcome);
                }
                else if (alone[0].Decision.Outcome == HbaOutcome.Unknown)
                {
                    Assert.Equal(HbaOutcome.Unknown, decision.Outcome);
                    Assert.Same(alone[0].Rule, decision.PossibleRules[0]);
                }
                else
                {
                    Assert.Equal(alone[0].Decision.Outcome, decision.Outcome);
                    Assert.Same(alone[0].Rule, decision.MatchedRule);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Shadowed_line_is_never_the_first_match_in_any_world(int seed)
    {
        var generator = new HbaGenerator(seed);
        var exercised = 0;
        for (var set = 0; set < RuleSets; set++)
        {
            var rules = generator.RuleList(6 + set % 14);
            var grants = generator.Grants();
            var compiled = HbaRuleSet.Compile(rules);
            var shadowed = HbaRuleEngine.FindShadowedRules(compiled, HbaGenerator.Membership(grants))
                .Concat(HbaRuleEngine.FindShadowedRules(compiled, null))
                .Select(s => s.Rule).ToHashSet();
            var worlds = Enumerable.Range(0, WorldsPerSet).Select(_ => generator.World(grants)).ToList();
            for (var c = 0; c < ClientsPerSet * 2; c++)
            {
                var client = generator.Client();
                foreach (var world in worlds)
                {
                    var truth = HbaOracle.FirstMatch(rules, client, world);
                    Assert.False(truth is not null && shadowed.Contains(truth), $"shadowed {truth?.Describe()} matched {client.Describe()}");
                    // Count the cases where a shadowed line would have matched on its own, i.e. where covering was put to the test.
                    exercised += shadowed.Count(s => HbaOracle.FirstMatch([s], client, world) is not null);
                }

                var decision = HbaRuleEngine.Evaluate(compiled, client, HbaGenerator.Membership(grants));
                Assert.False(decision.MatchedRule is not null && shadowed.Contains(decision.MatchedRule));
            }
        }

        Assert.True(exercised > 100, $"shadowed lines matched generated clients on their own only {exercised} times");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Removing_a_shadowed_line_changes_no_decision(int seed)
    {
        var generator = new HbaGenerator(seed);
        for (var set = 0; set < RuleSets / 2; set++)
        {
            var rules = generator.RuleList(6 + set % 14);
            var grants = generator.Grants();
            var membership = HbaGenerator.Membership(grants);
            var shadowed = HbaRuleEngine.FindShadowedRules(rules, membership).Select(s => s.Rule).ToList();
            if (shadowed.Count == 0)
                continue;
            var clients = Enumerable.Range(0, ClientsPerSet).Select(_ => generator.Client())
                .Concat(Enumerable.Range(0, 5).Select(_ => generator.SubnetClient())).ToList();
            var world = generator.World(grants);
            var variants = shadowed.Select(s => rules.Where(r => !ReferenceEquals(r, s)).ToList())
                .Append(rules.Where(r => !shadowed.Contains(r)).ToList());

            foreach (var variant in variants)
            {
                foreach (var client in clients)
                {
                    var before = HbaRuleEngine.Evaluate(rules, client, membership);
                    var after = HbaRuleEngine.Evaluate(variant, client, membership);
                    Assert.Equal(before.Outcome, after.Outcome);
                    Assert.Equal(before.MatchedLine, after.MatchedLine);
                    if (client.Address is { } address && !address.Contains('/'))
                        Assert.Same(HbaOracle.FirstMatch(rules, client, world), HbaOracle.FirstMatch(variant, client, world));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Definite_answer_for_a_subnet_holds_for_every_address_in_it(int seed)
    {
        var generator = new HbaGenerator(seed);
        var definite = 0;
        for (var set = 0; set < RuleSets; set++)
        {
            var rules = generator.RuleList(4 + set % 12);
            var grants = generator.Grants();
            var membership = HbaGenerator.Membership(grants);
            var compiled = HbaRuleSet.Compile(rules);
            var world = generator.World(grants);
            for (var c = 0; c < ClientsPerSet / 3; c++)
            {
                var subnet = generator.SubnetClient();
                var decision = HbaRuleEngine.Evaluate(compiled, subnet, membership);
                if (decision.Outcome == HbaOutcome.Unknown)
                    continue;
                definite++;
                foreach (var address in generator.AddressesIn(subnet.Address!))
                {
                    var single = subnet with { Address = address };
                    var one = HbaRuleEngine.Evaluate(compiled, single, membership);
                    Assert.Equal(decision.Outcome, one.Outcome);
                    Assert.Same(decision.MatchedRule, one.MatchedRule);
                    Assert.Same(decision.MatchedRule, HbaOracle.FirstMatch(rules, single, world));
                }
            }
        }

        Assert.True(definite > RuleSets / 2, $"too few definite subnet answers ({definite}) to test anything");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Cidr_and_netmask_rule_forms_give_the_same_results(int seed)
    {
        var asView = new HbaGenerator(seed).RuleList(200, viewLike: true);
        var asWritten = new HbaGenerator(seed).RuleList(200, viewLike: false);
        var membership = HbaGenerator.Membership([("app", "writers")]);
        var generator = new HbaGenerator(seed + 1000);

        Assert.Equal(
            HbaRuleEngine.FindShadowedRules(asView, membership).Select(s => s.Rule.LineNumber),
            HbaRuleEngine.FindShadowedRules(asWritten, membership).Select(s => s.Rule.LineNumber));
        for (var c = 0; c < 200; c++)
        {
            var client = c % 4 == 0 ? generator.SubnetClient() : generator.Client();
            var a = HbaRuleEngine.Evaluate(asView, client, membership);
            var b = HbaRuleEngine.Evaluate(asWritten, client, membership);
            Assert.Equal(a.Outcome, b.Outcome);
            Assert.Equal(a.MatchedLine, b.MatchedLine);
        }
    }

    private static void AssertConsistent(HbaDecision decision, HbaRule? truth, IReadOnlyList<HbaRule> rules, HbaClient client)
    {
        var context = $"{client.Describe()} with rules:\n{string.Join('\n', rules.Select(r => r.Describe()))}\n{decision.Reason}";
        switch (decision.Outcome)
        {
            case HbaOutcome.Unknown:
                Assert.True(truth is null || decision.PossibleRules.Contains(truth), $"truth {truth?.Location} not among possible lines: {context}");
                if (decision.Allowed is { } allowed)
                    Assert.True(allowed == (truth is { IsReject: false }), $"engine says allowed={allowed} either way, truth is {truth?.Location}: {context}");
                break;
            case HbaOutcome.NoMatch:
                Assert.True(truth is null, $"engine says no match, truth is {truth?.Location}: {context}");
                break;
            default:
                Assert.True(ReferenceEquals(truth, decision.MatchedRule), $"engine says {decision.MatchedRule?.Location}, truth is {truth?.Location}: {context}");
                Assert.Equal(truth!.IsReject ? HbaOutcome.Rejected : HbaOutcome.Allowed, decision.Outcome);
                break;
        }
    }
}

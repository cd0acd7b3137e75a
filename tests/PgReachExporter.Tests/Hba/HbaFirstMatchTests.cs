using PgReachExporter.Hba;
using static PgReachExporter.Tests.Hba.HbaText;

namespace PgReachExporter.Tests.Hba;

public class HbaFirstMatchTests
{
    private static HbaDecision Evaluate(string rules, HbaClient client, RoleMembership? membership = null) =>
        HbaRuleEngine.Evaluate(Rules(rules), client, membership);

    [Fact]
    public void First_matching_line_decides_even_when_a_later_line_is_more_specific()
    {
        var decision = Evaluate("""
            host all all 10.0.0.0/8 md5
            host orders app 10.0.1.0/24 scram-sha-256
            """, Client("10.0.1.5"));

        Assert.Equal(HbaOutcome.Allowed, decision.Outcome);
        Assert.Equal(1, decision.MatchedLine);
        Assert.Equal("md5", decision.AuthMethod);
        Assert.Equal(1, decision.AllowedValue);
    }

    [Fact]
    public void Reject_line_that_matches_first_rejects_the_client()
    {
        var decision = Evaluate("""
            host all all 0.0.0.0/0 reject
            host orders app 10.0.1.0/24 scram-sha-256
            """, Client("10.0.1.5"));

        Assert.Equal(HbaOutcome.Rejected, decision.Outcome);
        Assert.Equal(1, decision.MatchedLine);
        Assert.Equal("reject", decision.AuthMethod);
        Assert.Equal(0, decision.AllowedValue);
        Assert.Contains("rejects", decision.Reason);
    }

    [Fact]
    public void Reject_line_after_the_matching_line_has_no_effect()
    {
        var decision = Evaluate("""
            host orders app 10.0.1.0/24 scram-sha-256
            host all all 0.0.0.0/0 reject
            """, Client("10.0.1.5"));

        Assert.Equal(HbaOutcome.Allowed, decision.Outcome);
        Assert.Equal(1, decision.MatchedLine);
    }

    [Fact]
    public void No_matching_line_means_no_match_with_line_zero()
    {
        var decision = Evaluate("host orders app 10.0.1.0/24 scram-sha-256", Client("192.168.7.7"));

        Assert.Equal(HbaOutcome.NoMatch, decision.Outcome);
        Assert.Equal(0, decision.MatchedLine);
        Assert.Equal(0, decision.AllowedValue);
        Assert.Null(decision.MatchedRule);
        Assert.Contains("no line matches", decision.Reason);
    }

    [Fact]
    public void Empty_rule_list_matches_nothing()
    {
        var decision = HbaRuleEngine.Evaluate([], Client("10.0.0.1"), null);

        Assert.Equal(HbaOutcome.NoMatch, decision.Outcome);
    }

    [Fact]
    public void Matching_skips_lines_that_fail_on_any_one_field()
    {
        var decision = Evaluate("""
            local all all trust
            host billing app 10.0.1.0/24 trust
            host orders admin 10.0.1.0/24 trust
            host orders app 192.168.0.0/16 trust
            host orders app 10.0.1.0/24 scram-sha-256
            """, Client("10.0.1.5"));

        Assert.Equal(5, decision.MatchedLine);
        Assert.Equal("scram-sha-256", decision.AuthMethod);
    }

    [Fact]
    public void Decision_names_the_line_its_file_and_its_rule_number()
    {
        var decision = Evaluate("\n\nhost orders app 10.0.1.0/24 scram-sha-256", Client("10.0.1.5"));

        Assert.Equal(3, decision.MatchedRule!.LineNumber);
        Assert.Equal(3, decision.MatchedRule.RuleNumber);
        Assert.Equal("/etc/postgresql/pg_hba.conf", decision.MatchedRule.FileName);
        Assert.Contains("pg_hba.conf:3", decision.Reason);
    }

    [Fact]
    public void Rules_from_postgresql_15_without_file_and_rule_number_are_evaluated()
    {
        var rule = new HbaRule
        {
            LineNumber = 90,
            Type = "host",
            Databases = ["all"],
            Users = ["all"],
            Address = "127.0.0.1",
            Netmask = "255.255.255.255",
            AuthMethod = "trust",
        };

        var decision = HbaRuleEngine.Evaluate([rule], Client("127.0.0.1"), null);

        Assert.Equal(90, decision.MatchedLine);
        Assert.Contains("line 90", decision.Reason);
    }

    [Fact]
    public void Evaluate_all_answers_each_client_in_order()
    {
        var set = HbaRuleSet.Compile(Rules("""
            host orders app 10.0.1.0/24 scram-sha-256
            host all all 0.0.0.0/0 reject
            """));

        var decisions = HbaRuleEngine.EvaluateAll(set, [Client("10.0.1.5"), Client("10.0.2.5"), Client("::1")], null);

        Assert.Equal([HbaOutcome.Allowed, HbaOutcome.Rejected, HbaOutcome.NoMatch], decisions.Select(d => d.Outcome));
    }
}

using PgReachExporter.Hba;
using static PgReachExporter.Tests.Hba.HbaText;

namespace PgReachExporter.Tests.Hba;

public class HbaDatabaseAndUserTests
{
    // app belongs to writers, writers to staff; auditor belongs to nothing; a database named "writers" exists too.
    private static readonly RoleMembership Membership = RoleMembership.FromGrants(
        ["app", "writers", "staff", "auditor", "orders"],
        [("app", "writers"), ("writers", "staff")]);

    private static HbaOutcome Outcome(string line, HbaClient client, RoleMembership? membership = null) =>
        HbaRuleEngine.Evaluate(Rules(line), client, membership).Outcome;

    [Theory]
    [InlineData("all", "orders", "Allowed")]
    [InlineData("orders", "orders", "Allowed")]
    [InlineData("orders", "billing", "NoMatch")]
    [InlineData("billing,orders", "orders", "Allowed")]
    [InlineData("billing,reports", "orders", "NoMatch")]
    [InlineData("Orders", "orders", "NoMatch")]
    [InlineData("replication", "orders", "NoMatch")]
    public void Database_names_lists_and_all(string databases, string clientDatabase, string expected)
    {
        Assert.Equal(Enum.Parse<HbaOutcome>(expected), Outcome($"host {databases} app 0.0.0.0/0 trust", Client("10.0.0.1", database: clientDatabase)));
    }

    [Theory]
    [InlineData("app", "app", "Allowed")]
    [InlineData("orders", "app", "NoMatch")]
    [InlineData("App", "app", "NoMatch")]
    public void Sameuser_matches_a_database_named_like_the_user(string database, string user, string expected)
    {
        Assert.Equal(Enum.Parse<HbaOutcome>(expected), Outcome("host sameuser all 0.0.0.0/0 trust", Client("10.0.0.1", database, user)));
    }

    [Theory]
    [InlineData("samerole", "writers", "Allowed")]
    [InlineData("samerole", "staff", "Allowed")]
    [InlineData("samegroup", "staff", "Allowed")]
    [InlineData("samerole", "app", "Allowed")]
    [InlineData("samerole", "auditor", "NoMatch")]
    [InlineData("samerole", "orders", "NoMatch")]
    [InlineData("samerole", "nosuchrole", "NoMatch")]
    public void Samerole_matches_a_database_named_like_a_role_the_user_belongs_to(string keyword, string database, string expected)
    {
        Assert.Equal(Enum.Parse<HbaOutcome>(expected), Outcome($"host {keyword} all 0.0.0.0/0 trust", Client("10.0.0.1", database, "app"), Membership));
    }

    [Fact]
    public void Samerole_without_membership_data_is_unknown()
    {
        var decision = HbaRuleEngine.Evaluate(Rules("host samerole all 0.0.0.0/0 trust"), Client("10.0.0.1", "writers", "app"), null);

        Assert.Equal(HbaOutcome.Unknown, decision.Outcome);
        Assert.Equal(-1, decision.AllowedValue);
        Assert.Contains("pg_auth_members", decision.UnknownBecause);
    }

    [Fact]
    public void Replication_keyword_matches_only_physical_replication_connections()
    {
        var rules = Rules("""
            host replication replicator 10.0.0.0/8 scram-sha-256
            host all all 10.0.0.0/8 reject
            """);
        var replica = new HbaClient("replica", "10.0.0.9", "postgres", "replicator", HbaConnectionType.Host, PhysicalReplication: true);
        var ordinary = Client("10.0.0.9", database: "replication", user: "replicator");

        Assert.Equal(1, HbaRuleEngine.Evaluate(rules, replica, null).MatchedLine);
        Assert.Equal(2, HbaRuleEngine.Evaluate(rules, ordinary, null).MatchedLine);
    }

    [Fact]
    public void All_does_not_match_a_physical_replication_connection()
    {
        var replica = new HbaClient("replica", "10.0.0.9", "postgres", "replicator", HbaConnectionType.Host, PhysicalReplication: true);

        Assert.Equal(HbaOutcome.NoMatch, Outcome("host all all 10.0.0.0/8 trust", replica));
    }

    [Theory]
    [InlineData("all", "Allowed")]
    [InlineData("app", "Allowed")]
    [InlineData("admin,app", "Allowed")]
    [InlineData("admin,auditor", "NoMatch")]
    [InlineData("APP", "NoMatch")]
    public void User_names_lists_and_all(string users, string expected)
    {
        Assert.Equal(Enum.Parse<HbaOutcome>(expected), Outcome($"host orders {users} 0.0.0.0/0 trust", Client("10.0.0.1")));
    }

    [Theory]
    [InlineData("+writers", "app", "Allowed")]
    [InlineData("+staff", "app", "Allowed")]
    [InlineData("+staff", "writers", "Allowed")]
    [InlineData("+app", "app", "Allowed")]
    [InlineData("+writers", "auditor", "NoMatch")]
    [InlineData("+writers", "staff", "NoMatch")]
    [InlineData("+nosuchrole", "app", "NoMatch")]
    [InlineData("+writers", "ghost", "NoMatch")]
    [InlineData("auditor,+writers", "app", "Allowed")]
    public void Plus_role_matches_direct_and_indirect_members(string users, string user, string expected)
    {
        Assert.Equal(Enum.Parse<HbaOutcome>(expected), Outcome($"host orders {users} 0.0.0.0/0 trust", Client("10.0.0.1", user: user), Membership));
    }

    [Fact]
    public void Plus_role_without_membership_data_is_unknown_with_the_role_named()
    {
        var decision = HbaRuleEngine.Evaluate(Rules("""
            host orders +writers 0.0.0.0/0 reject
            host orders app 0.0.0.0/0 scram-sha-256
            """), Client("10.0.0.1"), null);

        Assert.Equal(HbaOutcome.Unknown, decision.Outcome);
        Assert.Contains("+writers", decision.UnknownBecause);
        Assert.Equal([1, 2], decision.PossibleRules.Select(r => r.LineNumber));
    }

    [Fact]
    public void Plus_role_without_membership_does_not_matter_when_a_listed_name_matches()
    {
        Assert.Equal(HbaOutcome.Allowed, Outcome("host orders +writers,app 0.0.0.0/0 trust", Client("10.0.0.1")));
    }

    [Fact]
    public void Plus_role_without_membership_does_not_matter_when_another_field_fails()
    {
        var decision = HbaRuleEngine.Evaluate(Rules("""
            host billing +writers 0.0.0.0/0 reject
            host orders app 0.0.0.0/0 scram-sha-256
            """), Client("10.0.0.1"), null);

        Assert.Equal(HbaOutcome.Allowed, decision.Outcome);
        Assert.Equal(2, decision.MatchedLine);
    }

    [Theory]
    [InlineData("host /^ord app 0.0.0.0/0 trust", "database regular expression")]
    [InlineData("host orders /^ap 0.0.0.0/0 trust", "user regular expression")]
    public void Regular_expression_entries_are_unknown_not_guessed(string line, string because)
    {
        var decision = HbaRuleEngine.Evaluate(Rules(line), Client("10.0.0.1"), null);

        Assert.Equal(HbaOutcome.Unknown, decision.Outcome);
        Assert.Contains(because, decision.UnknownBecause);
    }

    [Fact]
    public void Regular_expression_beside_a_matching_name_still_matches()
    {
        Assert.Equal(HbaOutcome.Allowed, Outcome("host /^x,orders app 0.0.0.0/0 trust", Client("10.0.0.1")));
    }

    [Fact]
    public void Membership_is_transitive_and_survives_cycles()
    {
        var membership = RoleMembership.FromGrants(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")]);

        Assert.True(membership.IsMember("a", "c"));
        Assert.True(membership.IsMember("c", "b"));
        Assert.True(membership.IsMember("b", "b"));
    }

    [Fact]
    public void Membership_of_missing_roles_is_false()
    {
        var membership = RoleMembership.FromGrants(["a", "b"], [("a", "b"), ("a", "ghost"), ("ghost", "b")]);

        Assert.True(membership.IsMember("a", "b"));
        Assert.False(membership.IsMember("a", "ghost"));
        Assert.False(membership.IsMember("ghost", "b"));
        Assert.False(membership.IsMember("ghost", "ghost"));
        Assert.False(membership.IsMember("b", "a"));
        Assert.True(membership.RoleExists("a"));
        Assert.False(membership.RoleExists("ghost"));
    }
}

using PgReachExporter.Hba;
using static PgReachExporter.Tests.Hba.HbaText;

namespace PgReachExporter.Tests.Hba;

public class HbaShadowTests
{
    private static IReadOnlyList<ShadowedRule> Shadowed(string rules, RoleMembership? membership = null) =>
        HbaRuleEngine.FindShadowedRules(Rules(rules), membership);

    private static void AssertShadowed(string rules, int line, params int[] coveredBy)
    {
        var shadowed = Shadowed(rules);
        var found = Assert.Single(shadowed);
        Assert.Equal(line, found.Rule.LineNumber);
        Assert.Equal(coveredBy, found.CoveredBy.Select(r => r.LineNumber));
    }

    private static void AssertNotShadowed(string rules, RoleMembership? membership = null) =>
        Assert.Empty(Shadowed(rules, membership));

    [Fact]
    public void Reject_all_above_the_application_line_shadows_it()
    {
        var shadowed = Shadowed("""
            host all all 0.0.0.0/0 reject
            host orders app 10.0.1.0/24 scram-sha-256
            """);

        var found = Assert.Single(shadowed);
        Assert.Equal(2, found.Rule.LineNumber);
        Assert.Equal([1], found.CoveredBy.Select(r => r.LineNumber));
        Assert.Contains("can never match", found.Reason);
        Assert.Contains("pg_hba.conf:1", found.Reason);
    }

    [Fact]
    public void Wider_network_above_a_narrower_one_shadows_it() =>
        AssertShadowed("""
            host all all 10.0.0.0/8 md5
            host orders app 10.0.1.0/24 scram-sha-256
            """, 2, 1);

    [Fact]
    public void Netmask_form_shadows_like_cidr() =>
        AssertShadowed("""
            host all all 10.0.0.0 255.0.0.0 md5
            host orders app 10.0.1.0 255.255.255.0 scram-sha-256
            """, 2, 1);

    [Fact]
    public void Narrower_network_above_a_wider_one_does_not_shadow_it() =>
        AssertNotShadowed("""
            host orders app 10.0.1.0/24 scram-sha-256
            host all all 10.0.0.0/8 md5
            """);

    [Fact]
    public void Host_line_shadows_a_hostssl_line_with_the_same_fields() =>
        AssertShadowed("""
            host orders app 10.0.0.0/8 md5
            hostssl orders app 10.0.0.0/8 cert
            """, 2, 1);

    [Theory]
    [InlineData("hostssl", "host")]
    [InlineData("hostnossl", "host")]
    [InlineData("hostgssenc", "hostnogssenc")]
    [InlineData("hostssl", "hostnossl")]
    [InlineData("hostnogssenc", "hostgssenc")]
    public void Narrower_connection_type_does_not_shadow_a_wider_or_different_one(string earlier, string later) =>
        AssertNotShadowed($"""
            {earlier} all all 0.0.0.0/0 md5
            {later} all all 0.0.0.0/0 md5
            """);

    [Theory]
    [InlineData("hostnossl", "hostgssenc")]
    [InlineData("hostnogssenc", "hostssl")]
    [InlineData("host", "hostnogssenc")]
    public void Wider_connection_type_shadows_a_narrower_one(string earlier, string later) =>
        AssertShadowed($"""
            {earlier} all all 0.0.0.0/0 md5
            {later} all all 0.0.0.0/0 md5
            """, 2, 1);

    [Fact]
    public void Hostssl_and_hostnossl_together_shadow_a_host_line() =>
        AssertShadowed("""
            hostssl all all 0.0.0.0/0 md5
            hostnossl all all 0.0.0.0/0 reject
            host orders app 10.0.0.0/8 trust
            """, 3, 1, 2);

    [Fact]
    public void Local_and_host_never_cover_each_other()
    {
        AssertNotShadowed("""
            local all all trust
            host all all 0.0.0.0/0 trust
            """);
        AssertNotShadowed("""
            host all all all trust
            local all all peer
            """);
    }

    [Fact]
    public void Local_line_shadows_a_later_local_line() =>
        AssertShadowed("""
            local all all peer
            local orders app md5
            """, 2, 1);

    [Fact]
    public void All_databases_shadow_a_named_database() =>
        AssertShadowed("""
            host all app 10.0.0.0/8 md5
            host orders app 10.0.0.0/8 md5
            """, 2, 1);

    [Fact]
    public void Named_database_does_not_shadow_all() =>
        AssertNotShadowed("""
            host orders app 10.0.0.0/8 md5
            host all app 10.0.0.0/8 md5
            """);

    [Fact]
    public void Database_list_covering_another_list_shadows_it() =>
        AssertShadowed("""
            host orders,billing,reports app 10.0.0.0/8 md5
            host billing,orders app 10.0.0.0/8 md5
            """, 2, 1);

    [Fact]
    public void Database_list_missing_one_entry_does_not_shadow() =>
        AssertNotShadowed("""
            host orders,billing app 10.0.0.0/8 md5
            host billing,orders,reports app 10.0.0.0/8 md5
            """);

    [Fact]
    public void Two_lines_for_one_database_each_together_shadow_a_list_of_both() =>
        AssertShadowed("""
            host orders app 10.0.0.0/8 md5
            host billing app 10.0.0.0/8 reject
            host billing,orders app 10.0.0.0/8 trust
            """, 3, 1, 2);

    [Fact]
    public void User_list_covering_another_list_shadows_it() =>
        AssertShadowed("""
            host orders app,admin,report 10.0.0.0/8 md5
            host orders report,app 10.0.0.0/8 md5
            """, 2, 1);

    [Fact]
    public void All_databases_do_not_cover_replication() =>
        AssertNotShadowed("""
            host all all 0.0.0.0/0 md5
            host replication all 0.0.0.0/0 md5
            """);

    [Fact]
    public void Replication_covers_replication() =>
        AssertShadowed("""
            host replication all 0.0.0.0/0 md5
            host replication replicator 10.0.0.0/8 md5
            """, 2, 1);

    [Theory]
    [InlineData("sameuser", "sameuser", true)]
    [InlineData("samerole", "samegroup", true)]
    [InlineData("all", "sameuser", true)]
    [InlineData("all", "samerole", true)]
    [InlineData("sameuser", "orders", false)]
    [InlineData("samerole", "orders", false)]
    [InlineData("orders", "sameuser", false)]
    [InlineData("sameuser", "samerole", false)]
    public void Database_keywords_cover_only_what_they_surely_contain(string earlier, string later, bool shadowed)
    {
        var found = Shadowed($"""
            host {earlier} app 0.0.0.0/0 md5
            host {later} app 0.0.0.0/0 md5
            """);

        Assert.Equal(shadowed, found.Count == 1);
    }

    [Fact]
    public void Ipv4_and_ipv6_never_cover_each_other()
    {
        AssertNotShadowed("""
            host all all 0.0.0.0/0 reject
            host all all ::/0 md5
            """);
        AssertNotShadowed("""
            host all all ::/0 reject
            host all all 10.0.0.0/8 md5
            """);
        AssertNotShadowed("""
            host all all 0.0.0.0/0 reject
            host all all ::ffff:10.0.0.0/104 md5
            """);
    }

    [Fact]
    public void Both_whole_families_together_shadow_an_all_address_line() =>
        AssertShadowed("""
            host all all 0.0.0.0/0 md5
            host all all ::/0 md5
            host orders app all trust
            """, 3, 1, 2);

    [Fact]
    public void All_address_shadows_ip_samehost_samenet_and_host_names()
    {
        var shadowed = Shadowed("""
            host all all all reject
            host orders app 10.0.0.0/8 md5
            host orders app samehost md5
            host orders app samenet md5
            host orders app db.example.com md5
            host orders app .example.com md5
            """);

        Assert.Equal([2, 3, 4, 5, 6], shadowed.Select(s => s.Rule.LineNumber));
        Assert.All(shadowed, s => Assert.Equal([1], s.CoveredBy.Select(r => r.LineNumber)));
    }

    [Theory]
    [InlineData("samehost", "samehost", true)]
    [InlineData("samenet", "samehost", true)]
    [InlineData("samenet", "samenet", true)]
    [InlineData("samehost", "samenet", false)]
    [InlineData("samehost", "127.0.0.1/32", false)]
    [InlineData("samenet", "10.0.0.0/8", false)]
    [InlineData("10.0.0.0/8", "samehost", false)]
    [InlineData("0.0.0.0/0", "samehost", false)]
    [InlineData("db.example.com", "db.example.com", true)]
    [InlineData("DB.example.com", "db.EXAMPLE.com", true)]
    [InlineData(".example.com", "db.example.com", true)]
    [InlineData(".example.com", ".eu.example.com", true)]
    [InlineData("db.example.com", ".example.com", false)]
    [InlineData(".example.com", "example.com", false)]
    [InlineData(".example.com", "badexample.com", false)]
    [InlineData("db.example.com", "10.0.0.1/32", false)]
    [InlineData("10.0.0.0/8", "db.example.com", false)]
    public void Server_and_dns_dependent_addresses_cover_only_what_is_certain(string earlier, string later, bool shadowed)
    {
        var found = Shadowed($"""
            host all all {earlier} md5
            host all all {later} md5
            """);

        Assert.Equal(shadowed, found.Count == 1);
    }

    [Fact]
    public void Two_halves_together_shadow_the_whole_network() =>
        AssertShadowed("""
            host all all 10.0.0.0/25 md5
            host all all 10.0.0.128/25 reject
            host orders app 10.0.0.0/24 trust
            """, 3, 1, 2);

    [Fact]
    public void Networks_with_a_gap_do_not_shadow() =>
        AssertNotShadowed("""
            host all all 10.0.0.0/26 md5
            host all all 10.0.0.128/25 reject
            host orders app 10.0.0.0/24 trust
            """);

    [Fact]
    public void Union_needs_every_piece_of_the_later_line_covered() =>
        AssertNotShadowed("""
            host orders app 10.0.0.0/25 md5
            host billing app 10.0.0.128/25 md5
            host orders,billing app 10.0.0.0/24 trust
            """);

    [Fact]
    public void Non_contiguous_netmask_shadows_only_what_it_fully_contains()
    {
        AssertShadowed("""
            host all all 10.0.0.5 255.0.0.255 md5
            host all all 10.1.2.5/32 md5
            """, 2, 1);
        AssertNotShadowed("""
            host all all 10.0.0.5 255.0.0.255 md5
            host all all 10.1.2.0/24 md5
            """);
    }

    [Fact]
    public void Plus_role_covers_the_same_plus_role_even_without_membership() =>
        AssertShadowed("""
            host all +writers 0.0.0.0/0 md5
            host orders +writers 10.0.0.0/8 md5
            """, 2, 1);

    [Fact]
    public void Plus_role_does_not_cover_a_named_user_without_membership() =>
        AssertNotShadowed("""
            host all +writers 0.0.0.0/0 reject
            host orders app 10.0.0.0/8 md5
            """);

    [Fact]
    public void Plus_role_covers_members_and_member_groups_when_membership_is_known()
    {
        var membership = RoleMembership.FromGrants(["app", "writers", "staff", "auditor"], [("app", "writers"), ("writers", "staff")]);

        var shadowed = Shadowed("""
            host all +staff 0.0.0.0/0 reject
            host orders app 10.0.0.0/8 md5
            host orders +writers 10.0.0.0/8 md5
            host orders auditor 10.0.0.0/8 md5
            host orders staff 10.0.0.0/8 md5
            """, membership);

        Assert.Equal([2, 3, 5], shadowed.Select(s => s.Rule.LineNumber));
    }

    [Fact]
    public void Named_user_does_not_cover_a_plus_role() =>
        AssertNotShadowed("""
            host all app 0.0.0.0/0 reject
            host orders +app 10.0.0.0/8 md5
            """, RoleMembership.FromGrants(["app"], []));

    [Fact]
    public void Regular_expressions_cover_only_the_identical_expression()
    {
        AssertShadowed("""
            host /^ord all 0.0.0.0/0 md5
            host /^ord app 10.0.0.0/8 md5
            """, 2, 1);
        AssertNotShadowed("""
            host /^ord all 0.0.0.0/0 md5
            host orders app 10.0.0.0/8 md5
            """);
        AssertNotShadowed("""
            host all /^a 0.0.0.0/0 md5
            host all app 10.0.0.0/8 md5
            """);
        AssertShadowed("""
            host all all 0.0.0.0/0 md5
            host /^ord /^a 10.0.0.0/8 md5
            """, 2, 1);
    }

    [Fact]
    public void Shadowed_line_lists_every_earlier_line_that_covers_part_of_it()
    {
        var found = Assert.Single(Shadowed("""
            host orders app 10.0.0.0/25 md5
            host orders app 192.168.0.0/16 md5
            host orders app 10.0.0.128/25 md5
            host orders app 10.0.0.0/24 trust
            """));

        Assert.Equal(4, found.Rule.LineNumber);
        Assert.Equal([1, 3], found.CoveredBy.Select(r => r.LineNumber));
        Assert.Contains("together", found.Reason);
    }

    [Fact]
    public void Line_with_an_unknown_connection_type_neither_covers_nor_is_covered()
    {
        var rules = new[]
        {
            new HbaRule { LineNumber = 1, Type = "hostquic", Databases = ["all"], Users = ["all"], Address = "all", AuthMethod = "trust" },
            Rule("host all all 10.0.0.0/8 md5", 2),
            new HbaRule { LineNumber = 3, Type = "hostquic", Databases = ["all"], Users = ["all"], Address = "all", AuthMethod = "trust" },
        };

        Assert.Empty(HbaRuleEngine.FindShadowedRules(rules, null));
    }

    [Fact]
    public void Line_with_an_unreadable_address_neither_covers_nor_is_covered()
    {
        var rules = new[]
        {
            Rule("host all all all md5", 1),
            new HbaRule { LineNumber = 2, Type = "host", Databases = ["all"], Users = ["all"], Address = "10.0.0.0", AuthMethod = "trust" },
            new HbaRule { LineNumber = 3, Type = "host", Databases = ["all"], Users = ["all"], Address = "10.0.0.0/8/9", AuthMethod = "trust" },
        };

        Assert.Empty(HbaRuleEngine.FindShadowedRules(rules, null));
    }

    [Fact]
    public void Every_later_duplicate_is_shadowed_by_the_first()
    {
        var shadowed = Shadowed("""
            host orders app 10.0.0.0/8 md5
            host orders app 10.0.0.0/8 md5
            host orders app 10.0.0.0/8 md5
            """);

        Assert.Equal([2, 3], shadowed.Select(s => s.Rule.LineNumber));
        Assert.Equal([1], shadowed[1].CoveredBy.Select(r => r.LineNumber));
    }

    [Fact]
    public void Very_long_lists_are_still_shadowed_by_one_covering_line_but_not_by_unions()
    {
        var databases = string.Join(',', Enumerable.Range(0, 30).Select(i => $"db{i}"));
        var users = string.Join(',', Enumerable.Range(0, 5).Select(i => $"user{i}"));

        AssertShadowed($"""
            host all all 10.0.0.0/8 md5
            host {databases} {users} 10.0.1.0/24 md5
            """, 2, 1);
        // A union would cover it too, but past the piece limit only single lines are tried: cautious, not wrong.
        AssertNotShadowed($"""
            hostssl all all 10.0.0.0/8 md5
            hostnossl all all 10.0.0.0/8 md5
            host {databases} {users} 10.0.1.0/24 md5
            """);
    }
}

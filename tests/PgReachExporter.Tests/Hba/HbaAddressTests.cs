using PgReachExporter.Hba;
using static PgReachExporter.Tests.Hba.HbaText;

namespace PgReachExporter.Tests.Hba;

public class HbaAddressTests
{
    private static HbaDecision Evaluate(string rules, HbaClient client) => HbaRuleEngine.Evaluate(Rules(rules), client, null);

    [Theory]
    [InlineData("10.0.1.0/24", "10.0.1.0", true)]
    [InlineData("10.0.1.0/24", "10.0.1.255", true)]
    [InlineData("10.0.1.0/24", "10.0.2.1", false)]
    [InlineData("10.0.1.7/24", "10.0.1.200", true)]
    [InlineData("10.0.1.5/32", "10.0.1.5", true)]
    [InlineData("10.0.1.5/32", "10.0.1.6", false)]
    [InlineData("0.0.0.0/0", "203.0.113.9", true)]
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    [InlineData("::/0", "2001:db8::1", true)]
    [InlineData("::/0", "10.0.0.1", false)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("::1/128", "::1", true)]
    [InlineData("fe80::/10", "fe80::1%2", true)]
    [InlineData("10.0.0.0/8", "::ffff:10.0.0.1", false)]
    [InlineData("::ffff:10.0.0.0/104", "::ffff:10.0.0.1", true)]
    [InlineData("::ffff:10.0.0.0/104", "10.0.0.1", false)]
    public void Cidr_rules_match_same_family_addresses_inside_them(string network, string clientAddress, bool matches)
    {
        var decision = Evaluate($"host all all {network} trust", Client(clientAddress));

        Assert.Equal(matches ? HbaOutcome.Allowed : HbaOutcome.NoMatch, decision.Outcome);
    }

    [Theory]
    [InlineData("10.0.1.0/24", "10.0.1.0 255.255.255.0")]
    [InlineData("10.0.0.0/8", "10.0.0.0 255.0.0.0")]
    [InlineData("0.0.0.0/0", "0.0.0.0 0.0.0.0")]
    [InlineData("192.168.4.4/32", "192.168.4.4 255.255.255.255")]
    [InlineData("2001:db8::/48", "2001:db8:: ffff:ffff:ffff::")]
    public void Cidr_and_netmask_forms_decide_alike(string cidr, string addressAndMask)
    {
        string[] probes = ["10.0.1.9", "10.0.2.9", "10.200.0.1", "192.168.4.4", "192.168.4.5", "2001:db8::5", "2001:db8:1::5", "::1"];
        foreach (var probe in probes)
        {
            var fromCidr = Evaluate($"host all all {cidr} trust", Client(probe));
            var fromCidrAsWritten = HbaRuleEngine.Evaluate(Rules($"host all all {cidr} trust", viewLike: false), Client(probe), null);
            var fromMask = Evaluate($"host all all {addressAndMask} trust", Client(probe));

            Assert.Equal(fromCidr.Outcome, fromMask.Outcome);
            Assert.Equal(fromCidr.Outcome, fromCidrAsWritten.Outcome);
        }
    }

    [Fact]
    public void Non_contiguous_netmask_compares_only_the_masked_bits()
    {
        const string Rule = "host all all 10.0.0.5 255.0.0.255 trust";

        Assert.Equal(HbaOutcome.Allowed, Evaluate(Rule, Client("10.77.3.5")).Outcome);
        Assert.Equal(HbaOutcome.NoMatch, Evaluate(Rule, Client("10.77.3.6")).Outcome);
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("2001:db8::1")]
    public void All_address_matches_both_families(string clientAddress)
    {
        Assert.Equal(HbaOutcome.Allowed, Evaluate("host all all all trust", Client(clientAddress)).Outcome);
    }

    [Theory]
    [InlineData("samehost", "samehost")]
    [InlineData("samenet", "samenet")]
    [InlineData("db1.example.com", "host name")]
    [InlineData(".example.com", "host name")]
    public void Address_forms_that_need_the_server_or_dns_are_unknown(string address, string because)
    {
        var decision = Evaluate($"""
            host all all {address} reject
            host all all 0.0.0.0/0 trust
            """, Client("10.0.0.1"));

        Assert.Equal(HbaOutcome.Unknown, decision.Outcome);
        Assert.Equal(-1, decision.AllowedValue);
        Assert.Equal(0, decision.MatchedLine);
        Assert.Contains(because, decision.UnknownBecause);
        Assert.Equal([1, 2], decision.PossibleRules.Select(r => r.LineNumber));
        Assert.Contains("otherwise", decision.Reason);
    }

    [Theory]
    [InlineData("reject", "reject", 0)]
    [InlineData("md5", "scram-sha-256", 1)]
    [InlineData("reject", "md5", -1)]
    [InlineData("md5", "reject", -1)]
    public void Unknown_first_line_still_gives_allowed_when_every_possible_line_agrees(string unknownMethod, string definiteMethod, int allowed)
    {
        var decision = Evaluate($"""
            host all all samenet {unknownMethod}
            host all all 0.0.0.0/0 {definiteMethod}
            """, Client("10.0.0.1"));

        Assert.Equal(HbaOutcome.Unknown, decision.Outcome);
        Assert.Equal(0, decision.MatchedLine);
        Assert.Equal(allowed, decision.AllowedValue);
        if (allowed >= 0)
            Assert.Contains("either way", decision.Reason);
    }

    [Theory]
    [InlineData("reject", 0)]
    [InlineData("md5", -1)]
    public void Unknown_line_with_nothing_after_it_may_mean_no_match(string method, int allowed)
    {
        var decision = Evaluate($"host all all samehost {method}", Client("10.0.0.1"));

        Assert.Equal(allowed, decision.AllowedValue);
    }

    [Fact]
    public void Unknown_line_with_no_definite_line_after_it_says_so()
    {
        var decision = Evaluate("host all all samehost trust", Client("10.0.0.1"));

        Assert.Equal(HbaOutcome.Unknown, decision.Outcome);
        Assert.Contains("otherwise no line matches", decision.Reason);
    }

    [Fact]
    public void Unknown_line_after_the_first_match_does_not_matter()
    {
        var decision = Evaluate("""
            host all all 10.0.0.0/8 scram-sha-256
            host all all samenet reject
            """, Client("10.0.0.1"));

        Assert.Equal(HbaOutcome.Allowed, decision.Outcome);
    }

    [Fact]
    public void Host_name_line_for_another_database_is_skipped_definitely()
    {
        var decision = Evaluate("""
            host billing all db1.example.com reject
            host orders all 10.0.0.0/8 scram-sha-256
            """, Client("10.0.0.1"));

        Assert.Equal(HbaOutcome.Allowed, decision.Outcome);
        Assert.Equal(2, decision.MatchedLine);
    }

    [Fact]
    public void Client_subnet_inside_one_line_gets_a_definite_answer()
    {
        var decision = Evaluate("""
            host all all 192.168.0.0/16 reject
            host orders app 10.0.0.0/8 scram-sha-256
            """, Client("10.0.1.0/24"));

        Assert.Equal(HbaOutcome.Allowed, decision.Outcome);
        Assert.Equal(2, decision.MatchedLine);
    }

    [Fact]
    public void Client_subnet_split_between_two_lines_is_unknown_naming_both()
    {
        var decision = Evaluate("""
            host all all 10.0.1.128/25 reject
            host orders app 10.0.0.0/8 scram-sha-256
            """, Client("10.0.1.0/24"));

        Assert.Equal(HbaOutcome.Unknown, decision.Outcome);
        Assert.Contains("10.0.1.0/24", decision.UnknownBecause);
        Assert.Contains("10.0.1.128/25", decision.UnknownBecause);
        Assert.Equal([1, 2], decision.PossibleRules.Select(r => r.LineNumber));
        Assert.Contains("pg_hba.conf:2", decision.Reason);
    }

    [Fact]
    public void Client_subnet_host_bits_are_ignored()
    {
        var decision = Evaluate("host all all 10.0.1.0/24 trust", Client("10.0.1.77/24"));

        Assert.Equal(HbaOutcome.Allowed, decision.Outcome);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("db.internal")]
    [InlineData("10.0.0.0/33")]
    public void Tcp_client_without_a_usable_address_is_unknown_only_where_the_address_matters(string? address)
    {
        var client = new HbaClient("c", address, "orders", "app");

        Assert.Equal(HbaOutcome.Unknown, Evaluate("host all all 10.0.0.0/8 trust", client).Outcome);
        Assert.Equal(HbaOutcome.Allowed, Evaluate("host all all all trust", client).Outcome);
        Assert.Equal(HbaOutcome.NoMatch, Evaluate("host billing all 10.0.0.0/8 trust", client).Outcome);
    }

    [Fact]
    public void Rule_address_the_engine_cannot_read_is_unknown()
    {
        var rule = new HbaRule { LineNumber = 4, Type = "host", Databases = ["all"], Users = ["all"], Address = "10.0.0.0", AuthMethod = "trust" };

        var decision = HbaRuleEngine.Evaluate([rule], Client("10.0.0.1"), null);

        Assert.Equal(HbaOutcome.Unknown, decision.Outcome);
        Assert.Contains("no netmask", decision.UnknownBecause);
    }
}

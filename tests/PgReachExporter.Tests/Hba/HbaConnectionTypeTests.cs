using PgReachExporter.Hba;
using static PgReachExporter.Tests.Hba.HbaText;

namespace PgReachExporter.Tests.Hba;

public class HbaConnectionTypeTests
{
    // Client "host", "hostnossl" and "hostnogssenc" are plain TCP; "hostssl" is TCP with SSL; "hostgssenc" TCP with GSSAPI encryption.
    [Theory]
    [InlineData("local", "local", true)]
    [InlineData("local", "host", false)]
    [InlineData("local", "hostssl", false)]
    [InlineData("host", "local", false)]
    [InlineData("host", "host", true)]
    [InlineData("host", "hostssl", true)]
    [InlineData("host", "hostnossl", true)]
    [InlineData("host", "hostgssenc", true)]
    [InlineData("host", "hostnogssenc", true)]
    [InlineData("hostssl", "local", false)]
    [InlineData("hostssl", "host", false)]
    [InlineData("hostssl", "hostssl", true)]
    [InlineData("hostssl", "hostnossl", false)]
    [InlineData("hostssl", "hostgssenc", false)]
    [InlineData("hostssl", "hostnogssenc", false)]
    [InlineData("hostnossl", "local", false)]
    [InlineData("hostnossl", "host", true)]
    [InlineData("hostnossl", "hostssl", false)]
    [InlineData("hostnossl", "hostnossl", true)]
    [InlineData("hostnossl", "hostgssenc", true)]
    [InlineData("hostnossl", "hostnogssenc", true)]
    [InlineData("hostgssenc", "local", false)]
    [InlineData("hostgssenc", "host", false)]
    [InlineData("hostgssenc", "hostssl", false)]
    [InlineData("hostgssenc", "hostnossl", false)]
    [InlineData("hostgssenc", "hostgssenc", true)]
    [InlineData("hostgssenc", "hostnogssenc", false)]
    [InlineData("hostnogssenc", "local", false)]
    [InlineData("hostnogssenc", "host", true)]
    [InlineData("hostnogssenc", "hostssl", true)]
    [InlineData("hostnogssenc", "hostnossl", true)]
    [InlineData("hostnogssenc", "hostgssenc", false)]
    [InlineData("hostnogssenc", "hostnogssenc", true)]
    public void Rule_type_matches_client_connection_type_as_postgresql_does(string ruleType, string clientTypeKeyword, bool matches)
    {
        Assert.True(HbaConnectionTypes.TryParse(clientTypeKeyword, out var clientType));
        var line = ruleType == "local" ? "local all all trust" : $"{ruleType} all all 0.0.0.0/0 trust";
        var client = clientType == HbaConnectionType.Local ? Local() : Client("10.0.0.1", type: clientType);

        var decision = HbaRuleEngine.Evaluate(Rules(line), client, null);

        Assert.Equal(matches ? HbaOutcome.Allowed : HbaOutcome.NoMatch, decision.Outcome);
    }

    [Fact]
    public void Local_client_ignores_tcp_lines_and_takes_the_local_line()
    {
        var decision = HbaRuleEngine.Evaluate(Rules("""
            host all all all reject
            local orders app peer
            """), Local(), null);

        Assert.Equal(2, decision.MatchedLine);
        Assert.Equal("peer", decision.AuthMethod);
    }

    [Fact]
    public void Ssl_client_passes_a_hostnossl_reject_and_reaches_the_hostssl_line()
    {
        var rules = Rules("""
            hostnossl all all 0.0.0.0/0 reject
            hostssl orders app 0.0.0.0/0 scram-sha-256
            """);

        Assert.Equal(HbaOutcome.Allowed, HbaRuleEngine.Evaluate(rules, Client("10.0.0.1", type: HbaConnectionType.HostSsl), null).Outcome);
        Assert.Equal(HbaOutcome.Rejected, HbaRuleEngine.Evaluate(rules, Client("10.0.0.1"), null).Outcome);
    }

    [Theory]
    [InlineData("local", "local")]
    [InlineData("host", "host")]
    [InlineData("hostssl", "hostssl")]
    [InlineData("hostnossl", "hostnossl")]
    [InlineData("hostgssenc", "hostgssenc")]
    [InlineData("hostnogssenc", "hostnogssenc")]
    public void Connection_type_keywords_round_trip(string keyword, string typeName)
    {
        var type = Enum.Parse<HbaConnectionType>(typeName, ignoreCase: true);
        Assert.True(HbaConnectionTypes.TryParse(keyword, out var parsed));
        Assert.Equal(type, parsed);
        Assert.Equal(keyword, type.ToKeyword());
    }

    [Theory]
    [InlineData("HOST")]
    [InlineData("hostssl ")]
    [InlineData("")]
    [InlineData(null)]
    public void Connection_type_words_are_exact(string? text)
    {
        Assert.False(HbaConnectionTypes.TryParse(text, out _));
    }

    [Fact]
    public void Row_with_a_connection_type_unknown_to_the_engine_makes_clients_reaching_it_unknown()
    {
        var rules = new[]
        {
            new HbaRule { LineNumber = 1, Type = "hostquic", Databases = ["all"], Users = ["all"], Address = "all", AuthMethod = "trust" },
            Rule("host all all 0.0.0.0/0 md5", 2),
        };

        var decision = HbaRuleEngine.Evaluate(rules, Client("10.0.0.1"), null);

        Assert.Equal(HbaOutcome.Unknown, decision.Outcome);
        Assert.Contains("hostquic", decision.UnknownBecause);
    }
}

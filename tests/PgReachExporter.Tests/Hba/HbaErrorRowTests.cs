using PgReachExporter.Hba;
using static PgReachExporter.Tests.Hba.HbaText;

namespace PgReachExporter.Tests.Hba;

public class HbaErrorRowTests
{
    [Fact]
    public void Unparsable_line_is_skipped_and_flags_the_file_as_refused_by_the_server()
    {
        var set = HbaRuleSet.Compile(Rules("""
            ERROR invalid connection type "hots"
            host all all 10.0.0.0/8 scram-sha-256
            """));

        var decision = HbaRuleEngine.Evaluate(set, Client("10.0.0.1"), null);

        Assert.Equal(HbaOutcome.Allowed, decision.Outcome);
        Assert.Equal(2, decision.MatchedLine);
        Assert.True(set.FileRejectedByServer);
        Assert.True(decision.FileRejectedByServer);
        Assert.Contains("older rules", decision.Reason);
        Assert.Single(set.ErrorRows);
    }

    [Fact]
    public void Line_loaded_but_unable_to_match_is_skipped_without_flagging_the_file()
    {
        var hostssl = Rule("hostssl all all 0.0.0.0/0 reject", 1) with { Error = "hostssl record cannot match because SSL is disabled" };
        var set = HbaRuleSet.Compile([hostssl, Rule("host all all 0.0.0.0/0 md5", 2)]);

        var decision = HbaRuleEngine.Evaluate(set, Client("10.0.0.1", type: HbaConnectionType.HostSsl), null);

        Assert.Equal(2, decision.MatchedLine);
        Assert.False(set.FileRejectedByServer);
        Assert.False(decision.FileRejectedByServer);
        Assert.DoesNotContain("older rules", decision.Reason);
        Assert.Equal([hostssl], set.ErrorRows);
    }

    [Fact]
    public void Error_rows_never_cover_and_are_never_reported_as_shadowed()
    {
        var rules = Rules("""
            ERROR authentication option not in name=value format: x
            host all all 0.0.0.0/0 md5
            ERROR invalid IP address "10.0.0.300"
            """);

        Assert.Empty(HbaRuleEngine.FindShadowedRules(rules, null));
    }

    [Fact]
    public void Analysis_reports_error_rows_and_the_refused_file()
    {
        var set = HbaRuleSet.Compile(Rules("""
            host all all 0.0.0.0/0 md5
            ERROR end-of-line before authentication method
            host orders app 10.0.0.0/8 md5
            """));

        var analysis = HbaRuleEngine.Analyze(set, [Client("10.0.0.1")], null);

        Assert.True(analysis.FileRejectedByServer);
        Assert.Equal([2], analysis.ErrorRows.Select(r => r.LineNumber));
        Assert.Equal(1, analysis.ShadowedCount);
        Assert.Equal(1, analysis.Decisions[0].MatchedLine);
    }
}

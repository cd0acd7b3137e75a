using PgReachExporter.Hba;
using PgReachExporter.Hba.Lint;

namespace PgReachExporter.Tests.Hba.Lint;

public class HbaLinterTests
{
    [Fact]
    public void A_line_covered_by_an_earlier_one_is_shadowed_naming_it()
    {
        var report = Lint.Run("host all all 10.0.0.0/8 scram-sha-256\nhost orders app 10.1.0.0/16 scram-sha-256\n");

        var shadowed = Assert.Single(report.Findings, f => f.Kind == HbaLintKind.Shadowed);
        Assert.Equal((2, 1, HbaLintSeverity.Warning), (shadowed.Line, shadowed.RelatedLine, shadowed.Severity));
    }

    [Fact]
    public void A_quoted_all_is_a_database_name_so_it_shadows_nothing_and_matches_only_that_name()
    {
        var clients = new[] { new HbaClient("named-all", "10.0.0.1", "all", "u"), new HbaClient("other", "10.0.0.1", "orders", "u") };
        var report = Lint.Run("host \"all\" all 10.0.0.0/8 scram-sha-256\nhost orders all 10.0.0.0/8 reject\n", clients: clients);

        Assert.DoesNotContain(report.Findings, f => f.Kind == HbaLintKind.Shadowed);
        Assert.Equal([true, false], report.Clients.Select(c => c.Allowed));
        Assert.Equal([1, 2], report.Clients.Select(c => c.Line!.Value));
    }

    [Fact]
    public void A_quoted_plus_is_a_user_name_not_a_group()
    {
        var report = Lint.Run("host all \"+ops\" 10.0.0.0/8 md5\n", clients: [new HbaClient("c", "10.0.0.1", "d", "+ops")]);

        Assert.True(Assert.Single(report.Clients).Allowed);
    }

    [Theory]
    [InlineData("host all all 10.0.0.0/8 trust", "trust on a host line")]
    [InlineData("host all all all trust", "trusts every address")]
    [InlineData("host all all 0.0.0.0/0 scram-sha-256", "every address")]
    [InlineData("host all all ::/0 scram-sha-256", "every address")]
    [InlineData("host all all 10.0.0.0/8 password", "clear text")]
    public void Risky_lines_are_warnings(string line, string why)
    {
        var risky = Assert.Single(Lint.Run(line + "\n").Findings, f => f.Kind == HbaLintKind.Risky);

        Assert.Equal(HbaLintSeverity.Warning, risky.Severity);
        Assert.Contains(why, risky.Message);
    }

    [Fact]
    public void Trust_on_a_local_line_and_a_password_over_hostssl_are_not_risky() =>
        Assert.DoesNotContain(Lint.Run("local all all trust\nhostssl all all 10.0.0.0/8 password\nhostgssenc all all 10.0.0.0/8 password\n").Findings, f => f.Kind == HbaLintKind.Risky);

    [Fact]
    public void A_reject_of_everything_names_the_first_line_it_blocks()
    {
        var report = Lint.Run("local all all peer\nhost all all all reject\nhost app app 10.0.0.0/8 scram-sha-256\n");

        var blocking = Assert.Single(report.Findings, f => f.Kind == HbaLintKind.Risky);
        Assert.Equal((2, 3), (blocking.Line, blocking.RelatedLine!.Value));
        Assert.Contains(report.Findings, f => f.Kind == HbaLintKind.Shadowed && f.Line == 3 && f.RelatedLine == 2);
    }

    [Fact]
    public void Expected_clients_are_allowed_rejected_or_undecidable_with_the_deciding_line()
    {
        var clients = new[]
        {
            new HbaClient("app", "10.0.1.5", "orders", "app"),
            new HbaClient("blocked", "192.168.1.1", "orders", "app"),
            new HbaClient("nothing", "::1", "orders", "app"),
            new HbaClient("neighbour", "172.16.0.1", "orders", "app"),
            new HbaClient("backup", null, "postgres", "backup", HbaConnectionType.Local),
        };
        var report = Lint.Run("""
            local all backup peer
            host orders app 10.0.1.0/24 scram-sha-256
            host all all 192.168.0.0/16 reject
            host all all samenet scram-sha-256
            """, clients: clients);

        Assert.Equal([true, false, null, null, true], report.Clients.Select(c => c.Allowed));
        Assert.Equal([2, 3, (int?)null, null, 1], report.Clients.Select(c => c.Line));
        Assert.Contains("samenet", report.Clients[3].Reason);
    }

    [Fact]
    public void Group_membership_is_undecidable_offline()
    {
        var report = Lint.Run("host all +ops 10.0.0.0/8 md5\n", clients: [new HbaClient("c", "10.0.0.1", "d", "alice")]);

        var client = Assert.Single(report.Clients);
        Assert.Null(client.Allowed);
        Assert.Contains("+ops needs role membership, which only the server knows", client.Reason);
    }

    [Fact]
    public void Rejected_lines_never_match_and_the_answer_says_the_file_would_not_load()
    {
        var report = Lint.Run("host all all 10.0.0.0/8 bogus\nhost all all 10.0.0.0/8 md5\n", clients: [new HbaClient("c", "10.0.0.1", "d", "u")]);

        var client = Assert.Single(report.Clients);
        Assert.Equal(2, client.Line);
        Assert.Contains("older rules", client.Reason);
    }

    [Fact]
    public void A_clean_file_has_no_findings_and_no_worst_severity()
    {
        var report = Lint.Run("local all all peer\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n");

        Assert.Empty(report.Findings);
        Assert.Null(report.Worst);
    }
}

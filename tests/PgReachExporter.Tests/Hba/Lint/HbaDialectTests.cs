using PgReachExporter.Hba;
using PgReachExporter.Hba.Lint;

namespace PgReachExporter.Tests.Hba.Lint;

/// <summary>What differs between the majors lint-hba knows.</summary>
public class HbaDialectTests
{
    [Theory]
    [InlineData(15, true)]
    [InlineData(16, false)]
    [InlineData(17, false)]
    [InlineData(18, false)]
    public void Include_lines_are_errors_before_16(int major, bool error)
    {
        var report = Lint.Run("include a.conf\ninclude_if_exists b.conf\ninclude_dir d\nlocal all all peer\n", major,
            files: [("a.conf", "local all all peer\n"), ("d/x.conf", "local all all peer\n")]);

        Assert.Equal(error ? [1, 2, 3] : [], report.ErrorLines());
    }

    [Theory]
    [InlineData(15, false)]
    [InlineData(16, true)]
    [InlineData(18, true)]
    public void Regular_expressions_are_checked_from_16(int major, bool error) =>
        Assert.Equal(error ? [1] : [], Lint.Run("host /(unclosed all all md5\n", major).ErrorLines());

    [Theory]
    [InlineData(15, true)]
    [InlineData(16, null)]
    public void A_slash_entry_is_a_plain_name_in_15_and_a_regular_expression_from_16(int major, bool? allowed)
    {
        var report = Lint.Run("host /^d all all md5\n", major, clients: [new HbaClient("c", "10.0.0.1", "/^d", "u")]);

        Assert.Equal(allowed, Assert.Single(report.Clients).Allowed);
    }

    [Fact]
    public void An_unclosed_bound_split_by_a_comma_is_an_error_as_on_the_server()
    {
        var report = Lint.Run("host all /a{2,3} all md5\n", 16);

        Assert.Contains("bound", Assert.Single(report.Errors()).Message);
    }

    [Theory]
    [InlineData(15, true)]
    [InlineData(17, true)]
    [InlineData(18, false)]
    public void Oauth_is_a_method_from_18(int major, bool error) =>
        Assert.Equal(error ? [1] : [], Lint.Run("host all all all oauth issuer=https://id.example.com scope=openid\n", major).ErrorLines());

    [Fact]
    public void Oauth_needs_issuer_and_scope_and_notes_the_validator_setting()
    {
        Assert.Contains("scope", Assert.Single(Lint.Run("host all all all oauth issuer=https://x\n").Errors()).Message);
        Assert.Contains("issuer", Assert.Single(Lint.Run("host all all all oauth scope=openid\n").Errors()).Message);
        Assert.Contains(Lint.Run("host all all all oauth issuer=https://x scope=a\n").Findings, f => f.Message.Contains("oauth_validator_libraries"));
    }

    [Fact]
    public void Map_names_oauth_among_its_methods_only_from_18()
    {
        Assert.DoesNotContain("oauth", Assert.Single(Lint.Run("host all all all md5 map=m\n", 17).Errors()).Message);
        Assert.Contains("oauth", Assert.Single(Lint.Run("host all all all md5 map=m\n", 18).Errors()).Message);
    }

    [Theory]
    [InlineData(15, "Info")]
    [InlineData(17, "Info")]
    [InlineData(18, "Warning")]
    public void Md5_is_a_warning_from_18_where_md5_passwords_are_deprecated(int major, string severity) =>
        Assert.Equal(severity, Assert.Single(Lint.Run("host all all 10.0.0.0/8 md5\n", major).Findings).Severity.ToString());
}

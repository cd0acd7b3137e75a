using PgReachExporter.Hba;
using PgReachExporter.Hba.Lint;

namespace PgReachExporter.Tests.Hba.Lint;

public class HbaLineParserTests
{
    [Theory]
    [InlineData("hots all all all md5", "not a connection type")]
    [InlineData("local,host all all md5", "more than one connection type")]
    [InlineData("host", "database field")]
    [InlineData("host all", "user field")]
    [InlineData("host all all", "address field")]
    [InlineData("host all all 10.0.0.0/8", "authentication method")]
    [InlineData("host all all 10.0.0.1 md5", "netmask \"md5\" is not an IP address")]
    [InlineData("host all all 10.0.0.1", "neither a CIDR mask nor a netmask")]
    [InlineData("host all all 10.0.0.0/33 md5", "CIDR mask")]
    [InlineData("host all all ::/129 md5", "CIDR mask")]
    [InlineData("host all all 10.0.0.0/x md5", "CIDR mask")]
    [InlineData("host all all 10.0.0.0 ffff:: md5", "different address families")]
    [InlineData("host all all 10.0.0.0 255.0.0.0,255.255.0.0 md5", "more than one netmask")]
    [InlineData("host all all 10.0.0.0/8,::1/128 md5", "more than one address")]
    [InlineData("host all all db.example.com/24 md5", "host name with a CIDR mask")]
    [InlineData("host all all 300.1.1.1/32 md5", "host name with a CIDR mask")]
    [InlineData("host all all all md5,trust", "more than one authentication method")]
    [InlineData("host all all all trusty", "\"trusty\" is not an authentication method")]
    [InlineData("host all all all sspi", "not available on Linux")]
    [InlineData("host all all all peer", "local lines only")]
    [InlineData("local all all gss", "cannot be used on local lines")]
    [InlineData("host all all all cert", "hostssl lines only")]
    [InlineData("host all all all md5 map=m", "option \"map\" belongs to")]
    [InlineData("host all all all md5 clientcert=verify-full", "hostssl lines")]
    [InlineData("hostssl all all all cert clientcert=verify-ca", "verify-full with cert")]
    [InlineData("hostssl all all all md5 clientcert=maybe", "verify-full or verify-ca")]
    [InlineData("hostssl all all all md5 clientname=XY", "CN or DN")]
    [InlineData("host all all all md5 foo=bar", "unknown authentication option")]
    [InlineData("host all all all md5 noequals", "not name=value")]
    [InlineData("host all all all md5 ldapserver=x", "belongs to the methods ldap")]
    [InlineData("host all all all ldap ldapserver=x", "ldap needs ldapbasedn")]
    [InlineData("host all all all ldap ldapprefix=a ldapbasedn=b", "mixed")]
    [InlineData("host all all all ldap ldapbasedn=b ldapsearchattribute=a ldapsearchfilter=f", "exclude each other")]
    [InlineData("host all all all ldap ldapport=0 ldapbasedn=b", "LDAP port")]
    [InlineData("host all all all radius radiussecrets=s", "needs radiusservers")]
    [InlineData("host all all all radius radiusservers=127.0.0.1", "needs radiussecrets")]
    [InlineData("host all all all radius radiusservers=\"127.0.0.1,127.0.0.2\" radiussecrets=\"a,b,c\"", "3 RADIUS secrets for 2 servers")]
    [InlineData("host all all all radius radiusservers=127.0.0.1 radiussecrets=s radiusports=x", "RADIUS port")]
    [InlineData("host all all all radius radiusservers=127.0.0.1,127.0.0.2 radiussecrets=s", "option \"127.0.0.2\" is not name=value")]
    [InlineData("host all all all radius radiusservers=\"a,,b\" radiussecrets=s", "RADIUS server list")]
    [InlineData("host all all all radius radiusservers=\"a,\" radiussecrets=s", "RADIUS server list")]
    public void Line_the_server_rejects_is_an_error_saying_why(string line, string why)
    {
        var error = Assert.Single(Lint.Run(line + "\nlocal all all peer\n").Errors());

        Assert.Equal(1, error.Line);
        Assert.Contains(why, error.Message);
    }

    [Theory]
    [InlineData("host all all 127.0.0.1/32 md5")]
    [InlineData("host all all 127.0.0.1 255.255.255.255 md5")]
    [InlineData("host all all 10.0.0.0 255.0.255.0 md5")]
    [InlineData("host all all fe80::/10 md5")]
    [InlineData("host all all db.example.com md5")]
    [InlineData("host all all .example.com md5")]
    [InlineData("host all all samehost md5")]
    [InlineData("host all all samenet md5")]
    [InlineData("host all all 10.0.0.0/+8 md5")]
    [InlineData("local all all ident map=m")]
    [InlineData("hostssl all all all cert map=m clientname=DN")]
    [InlineData("host all all all ldap ldapurl=\"ldap://ldap.example.com/dc=example,dc=com\"")]
    [InlineData("host all all all ldap ldapserver=x ldapprefix=cn= ldapsuffix=\",dc=x\"")]
    [InlineData("host all all all radius radiusservers=\"127.0.0.1,127.0.0.2\" radiussecrets=s radiusports=1812")]
    [InlineData("host all all all pam pamservice=postgresql")]
    [InlineData("host all all all gss include_realm=0 krb_realm=EXAMPLE.COM")]
    [InlineData("\"host\" all all all \"md5\"")]
    public void Line_the_server_loads_has_no_error(string line) =>
        Assert.Empty(Lint.Run(line + "\n").Errors());

    [Theory]
    [InlineData("127.1/32", "127.0.0.1")]
    [InlineData("0x7f000001/32", "127.0.0.1")]
    [InlineData("0177.0.0.1/32", "127.0.0.1")]
    [InlineData("10.1 255.255.0.0", "10.0.0.1")]
    public void Ipv4_in_any_inet_aton_form_is_an_address(string address, string client)
    {
        var report = Lint.Run($"host all all {address} md5\n", clients: [new HbaClient("c", client, "d", "u")]);

        Assert.Empty(report.Errors());
        Assert.True(Assert.Single(report.Clients).Allowed);
    }

    [Fact]
    public void Ident_on_a_local_line_is_read_as_peer()
    {
        var report = Lint.Run("local all all ident\n");

        Assert.Equal("peer", Assert.Single(report.Lines).Rule.AuthMethod);
    }

    [Fact]
    public void Hostssl_and_hostgssenc_lines_load_with_a_note_on_what_they_need()
    {
        var report = Lint.Run("hostssl all all all md5\nhostgssenc all all all md5\n");

        Assert.Empty(report.Errors());
        Assert.Equal([1, 2], report.Findings.Where(f => f.Severity == HbaLintSeverity.Info && f.Kind == HbaLintKind.Syntax).Select(f => f.Line));
    }

    [Fact]
    public void File_without_rules_is_an_error_for_the_whole_file()
    {
        var error = Assert.Single(Lint.Run("# nothing\n").Errors());

        Assert.Equal(0, error.Line);
    }

    [Fact]
    public void Errors_in_included_files_name_that_file_and_its_line()
    {
        var report = Lint.Run("include a.conf\nlocal all all peer\n", files: [("a.conf", "local all all peer\nhost all all all bogus\n")]);

        var error = Assert.Single(report.Errors());
        Assert.Equal(($"{Lint.Directory}/a.conf", 2), (error.File, error.Line));
    }
}

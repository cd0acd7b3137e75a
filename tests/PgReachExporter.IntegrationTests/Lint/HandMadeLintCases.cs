namespace PgReachExporter.IntegrationTests.Lint;

/// <summary>Hand-written pg_hba.conf files for the corners a random generator reaches rarely.</summary>
internal static class HandMadeLintCases
{
    public static IEnumerable<LintCase> All()
    {
        yield return LintCase.Of("clean", "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n");
        yield return LintCase.Of("empty", "# only comments\n\n   \n");
        yield return LintCase.Of("quotes", "host \"all\" \"+g1\" 127.0.0.1/32 trust\nhost \"d \"\"x\"\"\" all 127.0.0.1/32 trust\nhost \"unterminated all 127.0.0.1/32 trust\n");
        yield return LintCase.Of("continuations", "host all \\\n all \\\n 127.0.0.1/32 \\\n md5\nhost all all 10.0.0.0/33 md5\nlocal all all trust \\\n");
        yield return LintCase.Of("comment-in-quotes", "local \"a#b\" all trust\nlocal a#b all trust\n");
        yield return LintCase.Of("netmasks", "host all all 10.0.0.0 255.255.255.0 md5\nhost all all 10.0.0.0 255.255.0.255 md5\nhost all all fe80:: ffff:: md5\nhost all all 10.0.0.0 ffff:: md5\n");
        yield return LintCase.Of("inet-aton", "host all all 127.1/32 md5\nhost all all 0177.0.0.1/32 md5\nhost all all 0x7f.1/32 md5\nhost all all 09.0.0.1/32 md5\nhost all all 1.2.3.256/32 md5\nhost all all 1.65536/32 md5\n");
        yield return LintCase.Of("host-names", "host all all db.example.com md5\nhost all all .example.com md5\nhost all all db.example.com/24 md5\nhost all all -bad- md5\n");
        yield return LintCase.Of("options", "local all all peer map=m\nhost all all 127.0.0.1/32 md5 map=m\nhostssl all all 127.0.0.1/32 cert clientcert=verify-ca\nhostssl all all 127.0.0.1/32 md5 clientcert=verify-ca clientname=DN\nhost all all 127.0.0.1/32 md5 clientcert=verify-full\n");
        yield return LintCase.Of("radius", "host all all 127.0.0.1/32 radius radiusservers=127.0.0.1,127.0.0.2 radiussecrets=a radiusports=1812,1813\nhost all all 127.0.0.1/32 radius radiusservers=127.0.0.1 radiussecrets=a,b\nhost all all 127.0.0.1/32 radius radiusservers=\"\" radiussecrets=a\nhost all all 127.0.0.1/32 radius radiusservers=127.0.0.1 radiussecrets=a radiusidentifiers=x,y\n");
        yield return LintCase.Of("at-files", "host @lint/dbs.txt @lint/users.txt 127.0.0.1/32 md5\nhost @lint/missing.txt all 127.0.0.1/32 md5\nhost @lint/empty.txt all 127.0.0.1/32 md5\nhost all @lint/bad.txt 127.0.0.1/32 md5\n",
            ("lint/dbs.txt", "d1, d2\n# c\nd3\n"), ("lint/users.txt", "u1\n@inner.txt\n"), ("lint/inner.txt", "u2\n"), ("lint/empty.txt", ""),
            ("lint/bad.txt", "u1 \"\n@gone.txt\n"));
        yield return LintCase.Of("includes", "include lint/a.conf\ninclude_if_exists lint/none.conf\ninclude_if_exists lint/b.conf\ninclude_dir lint/d\ninclude lint/none.conf\nhost all all 127.0.0.1/32 md5\n",
            ("lint/a.conf", "host all all 127.0.0.1/32 trusty\nlocal all all trust\n"), ("lint/b.conf", "host all all 10.0.0.0/40 md5\ninclude c.conf\n"),
            ("lint/c.conf", "host all all all bogus\n"), ("lint/d/2.conf", "host all all 127.0.0.1/32 md5 x=y\n"), ("lint/d/1.conf", "hostnossl all all ::1/128 md5\n"),
            ("lint/d/x.conf.bak", "bad\n"));
        yield return LintCase.Of("include-shapes", "include\ninclude_dir lint/nothing\n\"include\" lint/a.conf\ninclude lint/a.conf lint/b.conf\ninclude lint/self.conf\n",
            ("lint/a.conf", "local all all trust\n"), ("lint/b.conf", "local all all trust\n"), ("lint/self.conf", "include self.conf\n"));
        yield return LintCase.Of("regex", "host /^d all 127.0.0.1/32 md5\nhost all /^(u1|u2)$ 127.0.0.1/32 md5\nhost \"/(\" all 127.0.0.1/32 md5\nhost all /a{2,1} 127.0.0.1/32 md5\nhost all \"/\" 127.0.0.1/32 md5\n");
        yield return LintCase.Of("methods", "local all all ident\nhost all all 127.0.0.1/32 peer\nlocal all all gss\nhost all all 127.0.0.1/32 cert\nhost all all 127.0.0.1/32 oauth issuer=https://x scope=openid\nhost all all 127.0.0.1/32 \"md5\"\n");
        yield return LintCase.Of("missing-fields", "host\nhost all\nhost all all\nhost all all 127.0.0.1/32\nhost all all 10.0.0.1\nlocal all all\nlocal\n");
        yield return LintCase.Of("ipv6-forms", "host all all ::ffff:127.0.0.1/128 md5\nhost all all fe80::1%lo/64 md5\nhost all all fe80::1%1/64 md5\nhost all all 00000::1/128 md5\nhost all all 1:2:3:4:5:6:7:8:9/128 md5\nhost all all ::1.2.3.4/128 md5\nhost all all [::1]/128 md5\nhost all all 1::2::3/128 md5\n");
        yield return LintCase.Of("ipv4-edges", "host all all 1.2.3./32 md5\nhost all all 0x/32 md5\nhost all all 0x1g/32 md5\nhost all all 4294967295/32 md5\nhost all all 4294967296/32 md5\nhost all all 1.16777215/32 md5\nhost all all 1.16777216/32 md5\nhost all all 08/8 md5\n");
        yield return LintCase.Of("token-edges", "local all all md5#c\nhost \"\" all 127.0.0.1/32 md5\n\"\" all all md5\n,\nlocal all all trust extra\nlocal ALL all trust\nHost all all all md5\nlocal\tall\rall trust\nlocal all all \"map=m\" peer\nlocal all all peer \"map=m\"\nlocal all all peer map=\"a b\"\n");
        yield return LintCase.Of("include-odd-targets", "include \"lint/my file.conf\"\ninclude_dir lint/plain.conf\ninclude lint/adir\nlocal all all peer\n",
            ("lint/my file.conf", "local all all trust\n"), ("lint/plain.conf", "local all all trust\n"), ("lint/adir/x.conf", "local all all trust\n"));
        // PostgreSQL 15 reads a token into a 10240-byte buffer; 16 lifted the limit.
        yield return LintCase.Of("long-tokens", $"local {new string('d', 10239)} all trust\nlocal {new string('d', 10240)} all trust\nlocal \"{new string('é', 5120)}\" all trust\nlocal {new string('é', 5120)} all trust\nlocal d{new string('é', 5119)} all trust\n");
        yield return LintCase.Of("byte-order-mark", "\uFEFFlocal all all trust\nlocal all all trust\n");
        // The Debian build of 15 has LDAP, PAM and GSSAPI; the embedded builds of 16 to 18 lack them and reject such lines.
        yield return LintCase.Of("ldap-pam-gss", string.Join('\n',
            "host all all all ldap ldapserver=ldap.example.com ldapbasedn=\"dc=example,dc=com\"",
            "host all all all ldap ldapserver=x ldapprefix=cn= ldapsuffix=\",dc=x\"",
            "host all all all ldap ldapserver=x",
            "host all all all ldap ldapprefix=a ldapbasedn=b",
            "host all all all ldap ldapbasedn=b ldapsearchattribute=uid ldapsearchfilter=\"(uid=$username)\"",
            "host all all all ldap ldapurl=\"ldap://ldap.example.com/dc=example,dc=com?uid?sub\"",
            "host all all all ldap ldapurl=\"ldaps://ldap.example.com\"",
            "host all all all ldap ldapurl=\"ldapi://x/dc=y\"",
            "host all all all ldap ldapurl=\"http://x/dc=y\"",
            "host all all all ldap ldapurl=\"ldap://x/dc=y\" ldapprefix=p",
            "host all all all ldap ldapport=0 ldapbasedn=b",
            "host all all all ldap ldapport=389 ldapbasedn=b ldaptls=1 ldapscheme=ldaps",
            "host all all all ldap ldapbasedn=b ldapscheme=gopher",
            "host all all all pam pamservice=postgresql pam_use_hostname=1",
            "host all all all gss include_realm=0 krb_realm=EXAMPLE.COM map=m",
            "host all all all gss compat_realm=1",
            "local all all gss",
            "") + "\n") with { Majors = [15] };
        yield return LintCase.Of("crlf", "local all all trust\r\nhost all all 127.0.0.1/32 md5\r\nhost all all 127.0.0.1/99 md5\r\n");
    }
}

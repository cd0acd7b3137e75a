namespace PgReachExporter.IntegrationTests.Lint;

/// <summary>
/// Seeded random pg_hba.conf files: mostly valid lines with one field at a time drawn from a list of near misses
/// (bad masks, unknown methods, options of another method, missing fields, bad regular expressions, includes of
/// missing files), so both the accepted and the rejected paths of the server's parser are exercised.
/// </summary>
/// <remarks>
/// Build-dependent methods (gss, pam, ldap) and oauth (which needs oauth_validator_libraries) are left out: the
/// servers used differ in what they were built with, and the linter assumes a usual build.
/// </remarks>
internal static class LintCaseGenerator
{
    public const string IncludeDirectory = "lint";

    private static readonly string[] Types =
        ["local", "host", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc", "\"host\"", "hots", "local,host", "HOST"];

    private static readonly string[] Databases =
    [
        "all", "all", "d1", "sameuser", "samerole", "samegroup", "replication", "\"all\"", "d1,d2", "d1, d2", "\"d 1\"", "d1,",
        "@lint/dbs.txt", "@lint/missing.txt", "@\"lint/dbs.txt\"", "\"@lint/dbs.txt\"", "@lint/empty.txt", "/^d[0-9]+$", "/(unclosed",
        "\"/^d\"", "/[a-", "/*x", "@", "a\"ll\"",
    ];

    private static readonly string[] Users =
    [
        "all", "all", "u1", "+g1", "\"+g1\"", "u1,u2", "\"all\"", "@lint/users.txt", "/^u", "/(u", "+", "u1,+g1",
    ];

    private static readonly string[] Addresses =
    [
        "127.0.0.1/32", "::1/128", "10.0.0.0/8", "0.0.0.0/0", "::/0", "all", "samehost", "samenet", "\"all\"", "127.1/32",
        "0x7f000001/32", "10.0.0.1 255.0.0.0", "10.0.0.1 255.255.0.255", "10.0.0.1", "10.0.0.0/33", "10.0.0.0/x", "10.0.0.0/",
        "::1/129", "db.example.com", ".example.com", "host/24", "10.0.0.1 ffff::", "10.0.0.1 255.0.0.0,255.255.0.0",
        "127.0.0.1/32,::1/128", "300.1.1.1/32", "1.2.3.4.5", "10.0.0.0/+8", "fe80::1 ffff:ffff::", "::1 255.0.0.0",
        "10.0.0.1 0xff000000", "10.0.0.0/08", "\"10.0.0.0/8\"", "10.0.0.1 255.0.0.0.0",
    ];

    private static readonly string[] Methods =
    [
        "trust", "reject", "md5", "scram-sha-256", "scram-sha-256", "password", "peer", "ident", "cert", "trusty", "sspi", "bsd",
        "\"trust\"", "md5,trust", "radius radiusservers=127.0.0.1 radiussecrets=s", "radius radiusservers=127.0.0.1",
        "radius radiussecrets=s", "radius radiusservers=127.0.0.1,127.0.0.2 radiussecrets=a,b,c",
        "radius radiusservers=\"127.0.0.1,127.0.0.2\" radiussecrets=\"a,b,c\"", "radius radiusservers=\"127.0.0.1,::1\" radiussecrets=\"a,b\"",
        "radius radiusservers=\"127.0.0.1,,127.0.0.2\" radiussecrets=s", "radius radiusservers=\"\" radiussecrets=s",
        "radius radiusservers=127.0.0.1 radiussecrets=s radiusports=0", "radius radiusservers=127.0.0.1 radiussecrets=s radiusports=1812",
        "radius radiusservers=\"127.0.0.1, 127.0.0.2\" radiussecrets=s radiusidentifiers=a,b", "oauth",
    ];

    private static readonly string[] Options =
    [
        "", "", "", "", "map=m", "clientcert=verify-full", "clientcert=verify-ca", "clientcert=maybe", "clientname=CN",
        "clientname=XY", "foo=bar", "noequals", "ldapserver=x", "pamservice=p", "krb_realm=R", "include_realm=0",
        "map=m clientcert=verify-full", "compat_realm=1", "issuer=https://x scope=openid",
    ];

    private static readonly string[] Comments = ["", "", "", " # a comment", "\t#", " #\"quoted\"", "   "];

    /// <summary>A file of 1 to 12 lines (with includes for 16+ shapes, which 15 rejects as unknown connection types).</summary>
    public static LintCase Generate(Random random, int index)
    {
        var lines = new List<string>();
        var count = random.Next(1, 13);
        for (var i = 0; i < count; i++)
        {
            var roll = random.Next(100);
            if (roll < 8)
                lines.Add(Comments[random.Next(Comments.Length)].TrimStart());
            else if (roll < 14)
                lines.Add(Include(random));
            else
                lines.Add(Line(random, brokenField: random.Next(3) == 0 ? random.Next(6) : -1));
        }

        var main = string.Join('\n', lines) + (random.Next(4) == 0 ? "" : "\n");
        return new LintCase($"generated-{index}", main, IncludedFiles(random));
    }

    /// <summary>One rule line; brokenField picks the field drawn from the whole list (near misses included), -1 keeps every field plain.</summary>
    public static string Line(Random random, int brokenField)
    {
        string Pick(string[] all, int field, string[] plain) => field == brokenField ? all[random.Next(all.Length)] : plain[random.Next(plain.Length)];
        var type = Pick(Types, 0, ["local", "host", "hostnossl", "host"]);
        var database = Pick(Databases, 1, ["all", "d1", "d1,d2", "sameuser", "\"all\""]);
        var user = Pick(Users, 2, ["all", "u1", "+g1", "u1,u2"]);
        var address = type.Contains("local", StringComparison.Ordinal) && brokenField != 3 ? "" : " " + Pick(Addresses, 3, ["127.0.0.1/32", "::1/128", "10.0.0.0/8", "all"]);
        var method = Pick(Methods, 4, ["trust", "reject", "md5", "scram-sha-256"]);
        var options = Pick(Options, 5, [""]);
        var text = $"{type} {database} {user}{address} {method}{(options.Length > 0 ? " " + options : "")}";
        if (random.Next(12) == 0)
        {
            // Cut the line short after some fields: the server names the first field it is missing.
            var fields = text.Split(' ');
            text = string.Join(' ', fields.Take(random.Next(1, fields.Length)));
        }

        if (random.Next(15) == 0)
            text = text.Replace(" ", " \\\n  ", StringComparison.Ordinal);
        return text + Comments[random.Next(Comments.Length)];
    }

    private static string Include(Random random) => random.Next(7) switch
    {
        0 => "include lint/inc1.conf",
        1 => "include lint/missing.conf",
        2 => "include_if_exists lint/missing.conf",
        3 => "include_if_exists lint/inc2.conf",
        4 => "include_dir lint/conf.d",
        5 => "include_dir lint/nothere",
        _ => "include lint/inc1.conf extra",
    };

    private static Dictionary<string, string> IncludedFiles(Random random)
    {
        string Lines(int n) => string.Join('\n', Enumerable.Range(0, n).Select(_ => Line(random, random.Next(3) == 0 ? random.Next(6) : -1))) + "\n";
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [$"{IncludeDirectory}/dbs.txt"] = random.Next(4) == 0 ? "d1 d2\n/^x\n# comment\n" : "d1,d2\nd3\n",
            [$"{IncludeDirectory}/users.txt"] = random.Next(4) == 0 ? "u1\n+g1\n@users2.txt\n" : "u1 u2\n",
            [$"{IncludeDirectory}/users2.txt"] = random.Next(3) == 0 ? "@nothere.txt\n" : "u3\n",
            [$"{IncludeDirectory}/empty.txt"] = "",
            [$"{IncludeDirectory}/inc1.conf"] = Lines(random.Next(1, 4)),
            [$"{IncludeDirectory}/inc2.conf"] = Lines(random.Next(1, 3)),
            [$"{IncludeDirectory}/conf.d/10-a.conf"] = Lines(random.Next(1, 3)),
            [$"{IncludeDirectory}/conf.d/20-b.conf"] = random.Next(3) == 0 ? "include ../inc2.conf\n" : Lines(1),
            [$"{IncludeDirectory}/conf.d/30-c.txt"] = "this is not a rule\n",
            [$"{IncludeDirectory}/conf.d/.hidden.conf"] = "neither is this\n",
        };
    }
}

using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace PgReachExporter.Hba.Lint;

/// <summary>
/// parse_hba_line() for one major version: the connection type, database and user lists, address (with a CIDR or a
/// separate netmask, a host name, all, samehost or samenet), method and options, each checked the way the server
/// checks them, first failure wins. The result carries the rule the engine matches with.
/// </summary>
/// <remarks>
/// The build is assumed to be a usual Linux one (SSL, GSSAPI, PAM and LDAP compiled in; sspi and bsd never are).
/// Regular expressions are checked with .NET's parser, which agrees with PostgreSQL's on common mistakes
/// (unbalanced parentheses or brackets, a quantifier with nothing to repeat) but not on every exotic construct.
/// </remarks>
internal static class HbaLineParser
{
    private static readonly HashSet<string> Methods = new(StringComparer.Ordinal)
    {
        "trust", "ident", "peer", "password", "gss", "sspi", "reject", "md5", "scram-sha-256", "pam", "bsd", "ldap", "cert", "radius",
    };

    public static HbaParsedLine Parse(HbaTokenizedLine line, HbaDialect dialect, int ruleNumber)
    {
        if (line.Error is not null)
            return Rejected(line, line.Error, ruleNumber);
        var notes = new List<string>();
        var fields = line.Fields;

        if (fields[0].Count > 1)
            return Rejected(line, "more than one connection type", ruleNumber);
        var typeWord = fields[0][0].Text;
        if (!HbaConnectionTypes.TryParse(typeWord, out var type))
            return Rejected(line, $"\"{typeWord}\" is not a connection type", ruleNumber);
        if (type == HbaConnectionType.HostSsl)
            notes.Add("a hostssl line matches only while the server runs with ssl = on");
        if (type == HbaConnectionType.HostGssEnc)
            notes.Add("a hostgssenc line matches only on a server built with GSSAPI");

        if (fields.Count < 2)
            return Rejected(line, "the line ends before the database field", ruleNumber);
        if (RegexProblem(fields[1], dialect) is { } databaseRegex)
            return Rejected(line, databaseRegex, ruleNumber);
        if (fields.Count < 3)
            return Rejected(line, "the line ends before the user field", ruleNumber);
        if (RegexProblem(fields[2], dialect) is { } userRegex)
            return Rejected(line, userRegex, ruleNumber);

        var next = 3;
        string? address = null, netmask = null;
        if (type != HbaConnectionType.Local)
        {
            if (ReadAddress(fields, ref next, out address, out netmask) is { } addressProblem)
                return Rejected(line, addressProblem, ruleNumber);
        }

        if (fields.Count <= next)
            return Rejected(line, "the line ends before the authentication method", ruleNumber);
        if (fields[next].Count > 1)
            return Rejected(line, "more than one authentication method", ruleNumber);
        var method = fields[next][0].Text;
        next++;
        if (MethodProblem(method, dialect) is { } methodProblem)
            return Rejected(line, methodProblem, ruleNumber);
        // The server quietly turns ident on a local line into peer.
        if (type == HbaConnectionType.Local && method == "ident")
            method = "peer";
        if (type == HbaConnectionType.Local && method == "gss")
            return Rejected(line, "gss authentication cannot be used on local lines", ruleNumber);
        if (type != HbaConnectionType.Local && method == "peer")
            return Rejected(line, "peer authentication works on local lines only", ruleNumber);
        if (type != HbaConnectionType.HostSsl && method == "cert")
            return Rejected(line, "cert authentication works on hostssl lines only", ruleNumber);

        var options = new HbaAuthOptions(dialect, method, type);
        var optionTexts = new List<string>();
        for (; next < fields.Count; next++)
        {
            foreach (var token in fields[next])
            {
                var equals = token.Text.IndexOf('=');
                if (equals < 0)
                    return Rejected(line, $"option \"{token.Text}\" is not name=value", ruleNumber);
                if (options.Read(token.Text[..equals], token.Text[(equals + 1)..]) is { } optionProblem)
                    return Rejected(line, optionProblem, ruleNumber);
                optionTexts.Add(token.Text);
            }
        }

        if (options.Finish() is { } missing)
            return Rejected(line, missing, ruleNumber);
        notes.AddRange(options.Notes);

        var rule = new HbaRule
        {
            RuleNumber = ruleNumber,
            FileName = line.File,
            LineNumber = line.LineNumber,
            Type = type.ToKeyword(),
            Databases = fields[1].Select(t => t.Text).ToArray(),
            LiteralDatabases = fields[1].Select(t => IsLiteral(t, dialect)).ToArray(),
            Users = fields[2].Select(t => t.Text).ToArray(),
            LiteralUsers = fields[2].Select(t => IsLiteral(t, dialect)).ToArray(),
            Address = address,
            Netmask = netmask,
            AuthMethod = method,
            Options = optionTexts,
        };
        return new HbaParsedLine(line, rule, null, notes);
    }

    /// <summary>A token the engine must read as a plain name: quoted (except a quoted regular expression), or "/x" before 16.</summary>
    private static bool IsLiteral(HbaAuthToken token, HbaDialect dialect)
    {
        var looksRegex = token.Text.StartsWith('/');
        return dialect.HasRegularExpressions ? token.Quoted && !looksRegex : token.Quoted || looksRegex;
    }

    private static string? RegexProblem(IReadOnlyList<HbaAuthToken> tokens, HbaDialect dialect)
    {
        if (!dialect.HasRegularExpressions)
            return null;
        foreach (var token in tokens.Where(t => t.Text.StartsWith('/')))
        {
            if (HbaRegexBounds.Problem(token.Text[1..]) is { } bounds)
                return $"regular expression \"{token.Text[1..]}\" is invalid: {bounds}";
            try
            {
                _ = new Regex(token.Text[1..], RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                return $"regular expression \"{token.Text[1..]}\" is invalid: {ex.Message}";
            }
        }

        return null;
    }

    private static string? MethodProblem(string method, HbaDialect dialect)
    {
        if (method == "oauth")
            return dialect.HasOAuth ? null : $"\"oauth\" is an authentication method only from PostgreSQL 18 on";
        if (!Methods.Contains(method))
            return $"\"{method}\" is not an authentication method";
        return method is "sspi" or "bsd" ? $"authentication method \"{method}\" is not available on Linux builds" : null;
    }

    /// <summary>The address field and, for an IP address without /bits, the netmask field; texts are normalised for <see cref="IpNetwork"/>.</summary>
    private static string? ReadAddress(IReadOnlyList<IReadOnlyList<HbaAuthToken>> fields, ref int next, out string? address, out string? netmask)
    {
        address = null;
        netmask = null;
        if (fields.Count <= next)
            return "the line ends before the address field";
        if (fields[next].Count > 1)
            return "more than one address (write one line per address range)";
        var token = fields[next++][0];
        if (!token.Quoted && token.Text is "all" or "samehost" or "samenet")
        {
            address = token.Text;
            return null;
        }

        var slash = token.Text.IndexOf('/');
        var host = slash < 0 ? token.Text : token.Text[..slash];
        if (!HbaNumericHost.TryParse(host, out var ip))
        {
            if (slash >= 0)
                return $"\"{token.Text}\" is a host name with a CIDR mask, which is not allowed";
            address = EngineHostName(token.Text);
            return null;
        }

        if (slash >= 0)
        {
            var bits = CidrBits(token.Text[(slash + 1)..], ip.AddressFamily);
            if (bits is null)
                return $"the CIDR mask of \"{token.Text}\" is not a bit count for its address family";
            address = $"{HbaNumericHost.Canonical(ip)}/{bits.Value.ToString(CultureInfo.InvariantCulture)}";
            return null;
        }

        if (fields.Count <= next)
            return $"IP address \"{token.Text}\" has neither a CIDR mask nor a netmask field";
        if (fields[next].Count > 1)
            return "more than one netmask";
        var maskText = fields[next++][0].Text;
        if (!HbaNumericHost.TryParse(maskText, out var mask))
            return $"netmask \"{maskText}\" is not an IP address";
        if (mask.AddressFamily != ip.AddressFamily)
            return $"IP address \"{token.Text}\" and netmask \"{maskText}\" are of different address families";
        address = HbaNumericHost.Canonical(ip);
        netmask = HbaNumericHost.Canonical(mask);
        return null;
    }

    /// <summary>pg_sockaddr_cidr_mask(): strtol() of the whole text, 0 to 32 or 128.</summary>
    private static int? CidrBits(string text, AddressFamily family)
    {
        var trimmed = text.TrimStart(' ', '\t', '\n', '\v', '\f', '\r');
        var digits = trimmed.StartsWith('+') || trimmed.StartsWith('-') ? trimmed[1..] : trimmed;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
            return null;
        var max = family == AddressFamily.InterNetwork ? 32 : 128;
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var bits))
            return null;
        if (trimmed.StartsWith('-'))
            bits = -bits;
        return bits < 0 || bits > max ? null : bits;
    }

    private static HbaParsedLine Rejected(HbaTokenizedLine line, string error, int ruleNumber) =>
        new(line, new HbaRule { RuleNumber = ruleNumber, FileName = line.File, LineNumber = line.LineNumber, Error = error }, error, []);

    // In quotes the engine reads it as the host name it is, even where it looks like a keyword or an IP address.
    private static string EngineHostName(string name) =>
        name.Length == 0 || name is "all" or "samehost" or "samenet" || name.Contains(':') || char.IsAsciiDigit(name[0])
            ? $"\"{name}\""
            : name;
}

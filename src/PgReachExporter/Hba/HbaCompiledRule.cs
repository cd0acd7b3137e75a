namespace PgReachExporter.Hba;

/// <summary>An error-free pg_hba line with its fields parsed once for matching.</summary>
internal sealed class HbaCompiledRule
{
    private HbaCompiledRule(HbaRule rule, int position, HbaTransports transports, HbaDatabaseToken[] databases, HbaUserToken[] users, HbaAddressSpec address, string? problem)
    {
        Rule = rule;
        Position = position;
        Transports = transports;
        Databases = databases;
        Users = users;
        Address = address;
        Problem = problem;
    }

    public HbaRule Rule { get; }

    /// <summary>Index among the error-free rules, i.e. the order in which the server tries them.</summary>
    public int Position { get; }

    public HbaTransports Transports { get; }
    public HbaDatabaseToken[] Databases { get; }
    public HbaUserToken[] Users { get; }
    public HbaAddressSpec Address { get; }

    /// <summary>Why the engine cannot evaluate this line at all (an unknown connection type); null normally.</summary>
    public string? Problem { get; }

    /// <summary>True when the line can be matched and compared exactly (no unknown type, readable address).</summary>
    public bool IsExact => Problem is null && Address.Kind != HbaAddressKind.Invalid;

    public static HbaCompiledRule Compile(HbaRule rule, int position)
    {
        var databases = rule.Databases.Select(HbaDatabaseToken.Parse).ToArray();
        var users = rule.Users.Select(HbaUserToken.Parse).ToArray();
        if (!HbaConnectionTypes.TryParse(rule.Type, out var type))
        {
            // A type from a newer server: it might match any connection, so it makes clients reaching it unknown.
            return new HbaCompiledRule(rule, position, HbaTransports.UnixSocket | HbaTransports.AnyTcp, databases, users,
                HbaAddressSpec.None, $"connection type \"{rule.Type}\" is not known to this engine");
        }

        var address = type == HbaConnectionType.Local ? HbaAddressSpec.None : HbaAddressSpec.Parse(rule.Address, rule.Netmask);
        return new HbaCompiledRule(rule, position, HbaConnectionTypes.RuleAccepts(type), databases, users, address, null);
    }
}

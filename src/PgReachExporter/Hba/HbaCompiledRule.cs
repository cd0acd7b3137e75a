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
        IsExact = problem is null && address.Kind != HbaAddressKind.Invalid && databases.Length > 0 && users.Length > 0;
        AddressKind = address.Kind;
        Network = address.Network;
    }

    // Copies of Address.Kind and Address.Network as fields: shadow detection reads them for every pair of lines.
    public readonly HbaAddressKind AddressKind;
    public readonly IpNetwork Network;

    public HbaRule Rule { get; }

    /// <summary>Index among the error-free rules, i.e. the order in which the server tries them.</summary>
    public int Position { get; }

    public HbaTransports Transports { get; }
    public HbaDatabaseToken[] Databases { get; }
    public HbaUserToken[] Users { get; }
    public HbaAddressSpec Address { get; }

    /// <summary>Why the engine cannot evaluate this line at all (an unknown connection type); null normally.</summary>
    public string? Problem { get; }

    /// <summary>True when the line can be compared with others exactly (known type, readable address, non-empty lists).</summary>
    public bool IsExact { get; }

    public static HbaCompiledRule Compile(HbaRule rule, int position, HbaNameTable names)
    {
        var databases = rule.Databases.Select((d, i) => HbaDatabaseToken.Parse(d, names, IsLiteral(rule.LiteralDatabases, i))).ToArray();
        var users = rule.Users.Select((u, i) => HbaUserToken.Parse(u, names, IsLiteral(rule.LiteralUsers, i))).ToArray();
        if (!HbaConnectionTypes.TryParse(rule.Type, out var type))
        {
            // A type from a newer server: it might match any connection, so it makes clients reaching it unknown.
            return new HbaCompiledRule(rule, position, HbaTransports.UnixSocket | HbaTransports.AnyTcp, databases, users,
                HbaAddressSpec.None, $"connection type \"{rule.Type}\" is not known to this engine");
        }

        var address = type == HbaConnectionType.Local ? HbaAddressSpec.None : HbaAddressSpec.Parse(rule.Address, rule.Netmask);
        return new HbaCompiledRule(rule, position, HbaConnectionTypes.RuleAccepts(type), databases, users, address, null);
    }

    private static bool IsLiteral(IReadOnlyList<bool>? literal, int index) => literal is not null && index < literal.Count && literal[index];
}

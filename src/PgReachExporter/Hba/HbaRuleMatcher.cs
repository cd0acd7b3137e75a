namespace PgReachExporter.Hba;

/// <summary>Whether one rule matches a client: definitely, not at all, for part of a client subnet, or unknown.</summary>
internal enum HbaMatch
{
    No,
    Yes,

    /// <summary>The client is a subnet and only some of its addresses are in the rule's network.</summary>
    Partial,
    Unknown,
}

/// <summary>A single rule's verdict for a client, with the reason when it is not definite.</summary>
internal readonly record struct HbaRuleMatch(HbaMatch Kind, string? Why)
{
    public static readonly HbaRuleMatch No = new(HbaMatch.No, null);
    public static readonly HbaRuleMatch Yes = new(HbaMatch.Yes, null);

    public static HbaRuleMatch Unknown(string why) => new(HbaMatch.Unknown, why);
}

/// <summary>An expected client reduced to what matching needs against one rule set, computed once per client.</summary>
/// <param name="DatabaseId">The database name's id in the rule set's name table (<see cref="HbaNameIds.Absent"/> if no rule names it).</param>
/// <param name="UserId">The user name's id, likewise.</param>
internal readonly record struct HbaResolvedClient(
    HbaClient Client, HbaTransports Transport, IpNetwork Network, string? AddressProblem, int DatabaseId, int UserId)
{
    /// <summary>False for a local client and for a TCP client whose address is missing or unreadable.</summary>
    public bool HasNetwork => Transport != HbaTransports.UnixSocket && AddressProblem is null;

    public static HbaResolvedClient From(HbaClient client, HbaNameIds names)
    {
        ArgumentNullException.ThrowIfNull(client);
        var transport = HbaConnectionTypes.ClientUses(client.ConnectionType);
        var databaseId = names.IdOf(client.Database);
        var userId = names.IdOf(client.User);
        if (transport == HbaTransports.UnixSocket)
            return new(client, transport, default, null, databaseId, userId);
        if (client.Address is null)
            return new(client, transport, default, "the client's address is not known", databaseId, userId);
        return IpNetwork.TryParseClient(client.Address, out var network)
            ? new(client, transport, network, null, databaseId, userId)
            : new(client, transport, default, $"client address \"{client.Address}\" is not an IP address or CIDR", databaseId, userId);
    }
}

/// <summary>PostgreSQL's check_hba test for one line, in three-valued logic: connection type, address, database, user.</summary>
internal static class HbaRuleMatcher
{
    public static HbaRuleMatch Match(HbaCompiledRule rule, in HbaResolvedClient client, RoleMembership? membership)
    {
        if (rule.Problem is not null)
            return HbaRuleMatch.Unknown(rule.Problem);
        if ((rule.Transports & client.Transport) == 0)
            return HbaRuleMatch.No;

        var address = client.Transport == HbaTransports.UnixSocket ? HbaRuleMatch.Yes : MatchAddress(rule, client);
        if (address.Kind == HbaMatch.No)
            return address;
        var database = MatchDatabase(rule.Databases, client, membership);
        if (database.Kind == HbaMatch.No)
            return database;
        var user = MatchUser(rule.Users, client, membership);
        if (user.Kind == HbaMatch.No)
            return user;

        if (address.Kind == HbaMatch.Unknown)
            return address;
        if (database.Kind == HbaMatch.Unknown)
            return database;
        if (user.Kind == HbaMatch.Unknown)
            return user;
        return address;
    }

    internal static HbaRuleMatch MatchAddress(HbaCompiledRule rule, in HbaResolvedClient client)
    {
        var address = rule.Address;
        switch (rule.AddressKind)
        {
            case HbaAddressKind.All:
                return HbaRuleMatch.Yes;
            case HbaAddressKind.SameHost:
                return HbaRuleMatch.Unknown("samehost depends on the server's own addresses");
            case HbaAddressKind.SameNet:
                return HbaRuleMatch.Unknown("samenet depends on the server's own subnets");
            case HbaAddressKind.HostName:
                return HbaRuleMatch.Unknown($"host name \"{address.Text}\" depends on the client's reverse and forward DNS");
            case HbaAddressKind.Network when client.HasNetwork:
                if (rule.Network.Covers(client.Network))
                    return HbaRuleMatch.Yes;
                return rule.Network.Overlaps(client.Network)
                    ? new HbaRuleMatch(HbaMatch.Partial, $"only part of client subnet {client.Network} is inside {rule.Network}")
                    : HbaRuleMatch.No;
            case HbaAddressKind.Network:
                return HbaRuleMatch.Unknown(client.AddressProblem ?? "the client's address is not known");
            default:
                return HbaRuleMatch.Unknown(address.Problem ?? $"address \"{address.Text}\" cannot be read");
        }
    }

    internal static HbaRuleMatch MatchDatabase(HbaDatabaseToken[] tokens, in HbaResolvedClient client, RoleMembership? membership)
    {
        var result = HbaRuleMatch.No;
        foreach (var token in tokens)
        {
            var one = MatchDatabaseToken(token, client, membership);
            if (one.Kind == HbaMatch.Yes)
                return one;
            if (result.Kind == HbaMatch.No)
                result = one;
        }

        return result;
    }

    private static HbaRuleMatch MatchDatabaseToken(HbaDatabaseToken token, in HbaResolvedClient resolved, RoleMembership? membership)
    {
        var client = resolved.Client;
        // A physical replication connection matches only the replication keyword, and nothing else matches it.
        if (client.PhysicalReplication)
            return token.Kind == HbaDatabaseTokenKind.Replication ? HbaRuleMatch.Yes : HbaRuleMatch.No;
        return token.Kind switch
        {
            HbaDatabaseTokenKind.All => HbaRuleMatch.Yes,
            HbaDatabaseTokenKind.SameUser => Bool(string.Equals(client.Database, client.User, StringComparison.Ordinal)),
            HbaDatabaseTokenKind.SameRole => membership is null
                ? HbaRuleMatch.Unknown("samerole needs role membership, and pg_auth_members could not be read")
                : Bool(membership.IsMember(client.User, client.Database)),
            HbaDatabaseTokenKind.Replication => HbaRuleMatch.No,
            HbaDatabaseTokenKind.Regex => HbaRuleMatch.Unknown($"database regular expression \"{token.Text}\" is not evaluated"),
            _ => Bool(token.Id == resolved.DatabaseId),
        };
    }

    internal static HbaRuleMatch MatchUser(HbaUserToken[] tokens, in HbaResolvedClient client, RoleMembership? membership)
    {
        var user = client.Client.User;
        var result = HbaRuleMatch.No;
        foreach (var token in tokens)
        {
            var one = token.Kind switch
            {
                HbaUserTokenKind.All => HbaRuleMatch.Yes,
                HbaUserTokenKind.Group => membership is null
                    ? HbaRuleMatch.Unknown($"+{token.Text} needs role membership, and pg_auth_members could not be read")
                    : Bool(membership.IsMember(user, token.Text)),
                HbaUserTokenKind.Regex => HbaRuleMatch.Unknown($"user regular expression \"{token.Text}\" is not evaluated"),
                _ => Bool(token.Id == client.UserId),
            };
            if (one.Kind == HbaMatch.Yes)
                return one;
            if (result.Kind == HbaMatch.No)
                result = one;
        }

        return result;
    }

    private static HbaRuleMatch Bool(bool matches) => matches ? HbaRuleMatch.Yes : HbaRuleMatch.No;
}

using System.Net.Sockets;

namespace PgReachExporter.Hba;

/// <summary>Finds lines that can never be the first match, claiming so only when it is certain.</summary>
/// <remarks>
/// A later line L is shadowed when every connection L could match is matched by some earlier line. L is split into
/// pieces (one transport x one database entry x one user entry); each piece must be covered in transport, database
/// and user by earlier lines, and the union of those lines' addresses must contain L's address. Containment is only
/// claimed where it holds for every server state: samehost, samenet, host names and regular expressions cover only
/// themselves (samenet also covers samehost), +role covers other names only with membership data.
/// </remarks>
internal static class HbaShadowDetector
{
    // Past this many pieces a line is only compared with single earlier lines, to bound the work.
    private const int MaxPieces = 64;

    private static readonly HbaTransports[] TransportBits =
        [HbaTransports.UnixSocket, HbaTransports.TcpPlain, HbaTransports.TcpSsl, HbaTransports.TcpGssEnc];

    public static IReadOnlyList<ShadowedRule> Find(HbaRuleSet set, RoleMembership? membership)
    {
        ArgumentNullException.ThrowIfNull(set);
        var rules = set.Rules;
        var shadowed = new List<ShadowedRule>();
        for (var i = 1; i < rules.Count; i++)
        {
            var later = rules[i];
            if (!later.IsExact || later.Databases.Length == 0 || later.Users.Length == 0)
                continue;
            var cover = FindCover(rules, later, membership);
            if (cover is not null)
                shadowed.Add(new ShadowedRule(later.Rule, cover, Explain(later.Rule, cover)));
        }

        return shadowed;
    }

    private static IReadOnlyList<HbaRule>? FindCover(IReadOnlyList<HbaCompiledRule> rules, HbaCompiledRule later, RoleMembership? membership)
    {
        var transports = TransportBits.Where(t => (later.Transports & t) != 0).ToArray();
        var pieceCount = transports.Length * later.Databases.Length * later.Users.Length;
        var tryUnion = pieceCount <= MaxPieces;
        var candidates = tryUnion ? new List<HbaCompiledRule>?[pieceCount] : null;
        Span<bool> databaseCovered = stackalloc bool[later.Databases.Length];
        Span<bool> userCovered = stackalloc bool[later.Users.Length];

        for (var e = 0; e < later.Position; e++)
        {
            var earlier = rules[e];
            if (!earlier.IsExact || (earlier.Transports & later.Transports) == 0 || !AddressesCanMeet(earlier.Address, later.Address))
                continue;
            var allDatabases = CoverTokens(earlier, later.Databases, databaseCovered);
            if (!allDatabases && !tryUnion)
                continue;
            var allUsers = CoverTokens(earlier, later.Users, userCovered, membership);

            if (allDatabases && allUsers && (earlier.Transports & later.Transports) == later.Transports
                && AddressCovered(later.Address, [earlier]))
                return [earlier.Rule];
            if (!tryUnion)
                continue;

            for (var t = 0; t < transports.Length; t++)
            {
                if ((earlier.Transports & transports[t]) == 0)
                    continue;
                for (var d = 0; d < databaseCovered.Length; d++)
                {
                    if (!databaseCovered[d])
                        continue;
                    for (var u = 0; u < userCovered.Length; u++)
                    {
                        if (userCovered[u])
                            (candidates![Piece(t, d, u, later)] ??= []).Add(earlier);
                    }
                }
            }
        }

        if (!tryUnion)
            return null;
        var used = new SortedSet<int>();
        foreach (var pieceCandidates in candidates!)
        {
            if (pieceCandidates is null || !AddressCovered(later.Address, pieceCandidates))
                return null;
            foreach (var candidate in pieceCandidates)
            {
                if (AddressesCanMeet(candidate.Address, later.Address))
                    used.Add(candidate.Position);
            }
        }

        return used.Select(p => rules[p].Rule).ToArray();
    }

    private static int Piece(int transport, int database, int user, HbaCompiledRule later) =>
        (transport * later.Databases.Length + database) * later.Users.Length + user;

    private static bool CoverTokens(HbaCompiledRule earlier, HbaDatabaseToken[] tokens, Span<bool> covered)
    {
        var all = true;
        for (var i = 0; i < tokens.Length; i++)
        {
            covered[i] = DatabaseTokenCovered(earlier.Databases, tokens[i]);
            all &= covered[i];
        }

        return all;
    }

    private static bool CoverTokens(HbaCompiledRule earlier, HbaUserToken[] tokens, Span<bool> covered, RoleMembership? membership)
    {
        var all = true;
        for (var i = 0; i < tokens.Length; i++)
        {
            covered[i] = UserTokenCovered(earlier.Users, tokens[i], membership);
            all &= covered[i];
        }

        return all;
    }

    /// <summary>Does some entry of an earlier database list match every connection the later entry matches?</summary>
    internal static bool DatabaseTokenCovered(HbaDatabaseToken[] earlier, HbaDatabaseToken later)
    {
        foreach (var token in earlier)
        {
            // all matches every non-replication connection, which is everything but the replication keyword matches.
            if (token.Kind == HbaDatabaseTokenKind.All && later.Kind != HbaDatabaseTokenKind.Replication)
                return true;
            if (token.Kind == later.Kind && (token.Kind is not (HbaDatabaseTokenKind.Name or HbaDatabaseTokenKind.Regex)
                                             || string.Equals(token.Text, later.Text, StringComparison.Ordinal)))
                return true;
        }

        return false;
    }

    /// <summary>Does some entry of an earlier user list match every user the later entry matches?</summary>
    internal static bool UserTokenCovered(HbaUserToken[] earlier, HbaUserToken later, RoleMembership? membership)
    {
        foreach (var token in earlier)
        {
            if (token.Kind == HbaUserTokenKind.All)
                return true;
            if (token.Kind == later.Kind && string.Equals(token.Text, later.Text, StringComparison.Ordinal))
                return true;
            // +g covers a name or +h whose members all belong to g; only provable from membership data.
            if (token.Kind == HbaUserTokenKind.Group && membership is not null
                && later.Kind is HbaUserTokenKind.Name or HbaUserTokenKind.Group
                && membership.IsMember(later.Text, token.Text))
                return true;
        }

        return false;
    }

    // Cheap pre-filter: networks of different families, or disjoint networks, never help cover.
    private static bool AddressesCanMeet(HbaAddressSpec earlier, HbaAddressSpec later) =>
        earlier.Kind != HbaAddressKind.Network || later.Kind != HbaAddressKind.Network || earlier.Network.Overlaps(later.Network);

    /// <summary>Is every client address the later line accepts accepted by at least one of the earlier lines?</summary>
    internal static bool AddressCovered(HbaAddressSpec later, IReadOnlyList<HbaCompiledRule> earlier)
    {
        if (later.Kind == HbaAddressKind.None)
            return earlier.Count > 0;
        foreach (var rule in earlier)
        {
            if (SingleAddressCovers(rule.Address, later))
                return true;
        }

        if (later.Kind == HbaAddressKind.Network)
            return later.Network.IsContiguous && IntervalsCover(earlier, later.Network);
        // Every TCP client is IPv4 or IPv6, so the two whole families together cover any address form.
        return IntervalsCover(earlier, IpNetwork.WholeFamily(AddressFamily.InterNetwork))
               && IntervalsCover(earlier, IpNetwork.WholeFamily(AddressFamily.InterNetworkV6));
    }

    private static bool SingleAddressCovers(HbaAddressSpec earlier, HbaAddressSpec later) => earlier.Kind switch
    {
        HbaAddressKind.All => true,
        HbaAddressKind.SameNet => later.Kind is HbaAddressKind.SameNet or HbaAddressKind.SameHost,
        HbaAddressKind.SameHost => later.Kind == HbaAddressKind.SameHost,
        HbaAddressKind.HostName => later.Kind == HbaAddressKind.HostName && HostNameCovers(earlier.Text, later.Text),
        HbaAddressKind.Network => later.Kind == HbaAddressKind.Network && earlier.Network.Covers(later.Network),
        _ => false,
    };

    // The server compares host names case-insensitively; ".example.com" matches any name ending in it.
    private static bool HostNameCovers(string earlier, string later) =>
        string.Equals(earlier, later, StringComparison.OrdinalIgnoreCase)
        || (earlier.StartsWith('.') && later.EndsWith(earlier, StringComparison.OrdinalIgnoreCase));

    /// <summary>Does the union of the earlier lines' CIDR networks contain the whole target interval?</summary>
    private static bool IntervalsCover(IReadOnlyList<HbaCompiledRule> earlier, IpNetwork target)
    {
        List<(UInt128 First, UInt128 Last)>? intervals = null;
        foreach (var rule in earlier)
        {
            var network = rule.Address.Network;
            if (rule.Address.Kind == HbaAddressKind.Network && network.IsContiguous && network.Overlaps(target))
                (intervals ??= []).Add((network.First, network.Last));
        }

        if (intervals is null)
            return false;
        intervals.Sort((a, b) => a.First.CompareTo(b.First));
        var next = target.First;
        foreach (var (first, last) in intervals)
        {
            if (first > next)
                return false;
            if (last >= target.Last)
                return true;
            if (last >= next)
                next = last + 1;
        }

        return false;
    }

    private static string Explain(HbaRule rule, IReadOnlyList<HbaRule> cover)
    {
        var by = cover.Count == 1
            ? $"{cover[0].Location} ({cover[0].Describe()}) comes first and matches"
            : $"{string.Join(", ", cover.Select(r => r.Location))} come first and together match";
        return $"{rule.Location} ({rule.Describe()}) can never match: {by} every connection it could match";
    }
}

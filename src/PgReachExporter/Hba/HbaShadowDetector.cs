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
        var index = new HbaDatabaseIndex();
        var candidates = new HbaCandidateStream();
        for (var i = 0; i < rules.Length; i++)
        {
            var later = rules[i];
            if (!later.IsExact)
                continue;
            index.StartCandidates(later, candidates);
            var cover = FindCover(rules, later, candidates, membership);
            if (cover is not null)
                shadowed.Add(new ShadowedRule(later.Rule, cover, Explain(later.Rule, cover)));
            index.Add(later);
        }

        return shadowed;
    }

    private static IReadOnlyList<HbaRule>? FindCover(HbaCompiledRule[] rules, HbaCompiledRule later, HbaCandidateStream earlierPositions, RoleMembership? membership)
    {
        Span<HbaTransports> transports = stackalloc HbaTransports[TransportBits.Length];
        var transportCount = 0;
        foreach (var bit in TransportBits)
        {
            if ((later.Transports & bit) != 0)
                transports[transportCount++] = bit;
        }

        var pieceCount = transportCount * later.Databases.Length * later.Users.Length;
        var tryUnion = pieceCount <= MaxPieces;
        // Per piece: the first earlier line covering it alone, else the earlier lines whose addresses may cover it together.
        var coveredBy = tryUnion ? new HbaCompiledRule?[pieceCount] : null;
        var candidates = tryUnion ? new List<HbaCompiledRule>?[pieceCount] : null;
        var uncovered = pieceCount;
        // Lists can be long when a line includes a file of names; keep the stack small then.
        var databaseCovered = later.Databases.Length <= 64 ? stackalloc bool[later.Databases.Length] : new bool[later.Databases.Length];
        var userCovered = later.Users.Length <= 64 ? stackalloc bool[later.Users.Length] : new bool[later.Users.Length];

        while (earlierPositions.TryNext(out var position))
        {
            var earlier = rules[position];
            if ((earlier.Transports & later.Transports) == 0 || !earlier.IsExact || !HbaAddressCoverage.CanHelp(earlier, later))
                continue;
            var (anyDatabase, allDatabases) = CoverDatabases(earlier.Databases, later.Databases, databaseCovered);
            if (!anyDatabase || (!allDatabases && !tryUnion))
                continue;
            var (anyUser, allUsers) = CoverUsers(earlier.Users, later.Users, userCovered, membership);
            if (!anyUser)
                continue;

            var addressCovered = later.AddressKind == HbaAddressKind.None || HbaAddressCoverage.SingleCovers(earlier.Address, later.Address);
            if (addressCovered && allDatabases && allUsers && (earlier.Transports & later.Transports) == later.Transports)
                return [earlier.Rule];
            if (!tryUnion)
                continue;

            for (var t = 0; t < transportCount; t++)
            {
                if ((earlier.Transports & transports[t]) == 0)
                    continue;
                for (var d = 0; d < databaseCovered.Length; d++)
                {
                    if (!databaseCovered[d])
                        continue;
                    for (var u = 0; u < userCovered.Length; u++)
                    {
                        var piece = (t * databaseCovered.Length + d) * userCovered.Length + u;
                        if (!userCovered[u] || coveredBy![piece] is not null)
                            continue;
                        if (addressCovered)
                        {
                            // This line alone covers the piece; the partial candidates gathered so far are no longer needed.
                            coveredBy[piece] = earlier;
                            candidates![piece] = null;
                            if (--uncovered == 0)
                                return coveredBy.Select(r => r!.Position).Distinct().Order().Select(p => rules[p].Rule).ToArray();
                        }
                        else
                        {
                            (candidates![piece] ??= []).Add(earlier);
                        }
                    }
                }
            }
        }

        if (!tryUnion)
            return null;
        var used = new SortedSet<int>();
        for (var piece = 0; piece < pieceCount; piece++)
        {
            if (coveredBy![piece] is { } single)
            {
                used.Add(single.Position);
                continue;
            }

            var pieceCandidates = candidates![piece];
            if (pieceCandidates is null || !HbaAddressCoverage.Covered(later.Address, pieceCandidates))
                return null;
            foreach (var candidate in pieceCandidates)
                used.Add(candidate.Position);
        }

        return used.Select(p => rules[p].Rule).ToArray();
    }

    private static (bool Any, bool All) CoverDatabases(HbaDatabaseToken[] earlier, HbaDatabaseToken[] later, Span<bool> covered)
    {
        bool any = false, all = true;
        for (var i = 0; i < later.Length; i++)
        {
            covered[i] = DatabaseTokenCovered(earlier, later[i]);
            any |= covered[i];
            all &= covered[i];
        }

        return (any, all);
    }

    private static (bool Any, bool All) CoverUsers(HbaUserToken[] earlier, HbaUserToken[] later, Span<bool> covered, RoleMembership? membership)
    {
        bool any = false, all = true;
        for (var i = 0; i < later.Length; i++)
        {
            covered[i] = UserTokenCovered(earlier, later[i], membership);
            any |= covered[i];
            all &= covered[i];
        }

        return (any, all);
    }

    /// <summary>Does some entry of an earlier database list match every connection the later entry matches?</summary>
    internal static bool DatabaseTokenCovered(HbaDatabaseToken[] earlier, HbaDatabaseToken later)
    {
        foreach (var token in earlier)
        {
            // all matches every non-replication connection, which is everything but the replication keyword matches.
            if (token.Kind == HbaDatabaseTokenKind.All && later.Kind != HbaDatabaseTokenKind.Replication)
                return true;
            // Same keyword, or same name or regular expression (ids are equal exactly when texts are).
            if (token.Kind == later.Kind && token.Id == later.Id)
                return true;
        }

        return false;
    }

    /// <summary>Does some entry of an earlier user list match every user the later entry matches?</summary>
    internal static bool UserTokenCovered(HbaUserToken[] earlier, HbaUserToken later, RoleMembership? membership)
    {
        foreach (var token in earlier)
        {
            if (token.Kind == HbaUserTokenKind.All || (token.Kind == later.Kind && token.Id == later.Id))
                return true;
            // +g covers a name or +h whose members all belong to g; only provable from membership data.
            if (token.Kind == HbaUserTokenKind.Group && membership is not null
                && later.Kind is HbaUserTokenKind.Name or HbaUserTokenKind.Group
                && membership.IsMember(later.Text, token.Text))
                return true;
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

using System.Net.Sockets;

namespace PgReachExporter.Hba;

/// <summary>Whether earlier lines' addresses contain every client address a later line's address accepts.</summary>
internal static class HbaAddressCoverage
{
    // Only networks this wide or wider are tried in unions meant to cover a whole address family.
    private const int WholeFamilyPrefixLimit = 8;

    // Can the earlier line's address take part in covering the later one's? Networks help networks they overlap,
    // and other forms only through unions of whole families, to which only very large networks (/8 or wider) are
    // admitted (fewer candidates can only make the answer more cautious). Other forms help only what they contain.
    public static bool CanHelp(HbaCompiledRule earlier, HbaCompiledRule later) => earlier.AddressKind switch
    {
        HbaAddressKind.None => later.AddressKind == HbaAddressKind.None,
        HbaAddressKind.All => true,
        HbaAddressKind.Network => later.AddressKind == HbaAddressKind.Network
            ? earlier.Network.Overlaps(later.Network)
            : earlier.Network.IsContiguous && UInt128.PopCount(earlier.Network.Mask) <= WholeFamilyPrefixLimit,
        _ => SingleCovers(earlier.Address, later.Address),
    };

    /// <summary>Is every client address the later line accepts accepted by at least one of the earlier lines?</summary>
    public static bool Covered(HbaAddressSpec later, IReadOnlyList<HbaCompiledRule> earlier)
    {
        if (later.Kind == HbaAddressKind.None)
            return earlier.Count > 0;
        foreach (var rule in earlier)
        {
            if (SingleCovers(rule.Address, later))
                return true;
        }

        if (later.Kind == HbaAddressKind.Network)
            return later.Network.IsContiguous && IntervalsCover(earlier, later.Network);
        // Every TCP client is IPv4 or IPv6, so the two whole families together cover any address form.
        return IntervalsCover(earlier, IpNetwork.WholeFamily(AddressFamily.InterNetwork))
               && IntervalsCover(earlier, IpNetwork.WholeFamily(AddressFamily.InterNetworkV6));
    }

    public static bool SingleCovers(HbaAddressSpec earlier, HbaAddressSpec later) => earlier.Kind switch
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
}

using System.Net;

namespace PgReachExporter.Configuration;

/// <summary>
/// What a /probe module may probe: networks (CIDRs) and host-name patterns. A target given as an address needs its
/// address in a network; a target given as a name needs its name to match a pattern and every address it resolves
/// to in a network, so a name that resolves elsewhere (DNS rebinding) is refused.
/// </summary>
/// <remarks>
/// An IPv4-mapped IPv6 address (::ffff:10.1.2.3) is the IPv4 address it carries, for addresses and networks alike,
/// so neither spelling escapes the other's entry. Names compare case-insensitively without a trailing dot;
/// "*.db.internal" matches every name that ends in ".db.internal" (one label or more), never "db.internal" itself.
/// </remarks>
internal sealed class ProbeAllowlist : IEquatable<ProbeAllowlist>
{
    private readonly ValueList<IPNetwork> _networks;
    private readonly ValueList<string> _patterns;

    private ProbeAllowlist(IEnumerable<IPNetwork> networks, IEnumerable<string> patterns)
    {
        _networks = new(networks);
        _patterns = new(patterns);
    }

    public IReadOnlyList<IPNetwork> Networks => _networks;

    /// <summary>Name patterns, lower-case, without a trailing dot.</summary>
    public IReadOnlyList<string> Patterns => _patterns;

    /// <summary>Parses the entries; null with the problem of the first bad one (quoted safely).</summary>
    public static ProbeAllowlist? TryParse(IEnumerable<string> entries, out string? problem)
    {
        var networks = new List<IPNetwork>();
        var patterns = new List<string>();
        foreach (var entry in entries)
        {
            var text = entry.Trim();
            if (text.Contains('/') || text.Contains(':') || text.All(c => char.IsAsciiDigit(c) || c == '.'))
            {
                if (ParseNetwork(text) is not { } network)
                {
                    problem = $"{ConfigurationError.Quote(text)} is not a CIDR (10.0.0.0/8, fd00::/64: an address whose bits after the prefix are 0)";
                    return null;
                }

                networks.Add(network);
                continue;
            }

            var name = Normalise(text);
            var literal = name.StartsWith("*.", StringComparison.Ordinal) ? name[2..] : name;
            if (literal.Contains('*') || HostName.Problem(literal) is not null || literal.StartsWith('/'))
            {
                problem = $"{ConfigurationError.Quote(text)} is neither a CIDR nor a host-name pattern (db1.internal, *.db.internal: '*' only as the first label)";
                return null;
            }

            patterns.Add(name);
        }

        problem = null;
        return new ProbeAllowlist(networks, patterns);
    }

    /// <summary>True when the address is in one of the networks.</summary>
    public bool Permits(IPAddress address)
    {
        var canonical = Canonical(address);
        return _networks.Any(n => n.Contains(canonical));
    }

    /// <summary>True when the host name matches one of the patterns.</summary>
    public bool PermitsName(string host)
    {
        var name = Normalise(host);
        return _patterns.Any(p => p.StartsWith("*.", StringComparison.Ordinal)
            ? name.Length > p.Length - 1 && name.EndsWith(p[1..], StringComparison.Ordinal)
            : name == p);
    }

    /// <summary>An IPv4-mapped IPv6 address as the IPv4 address it carries; any other address as it is.</summary>
    public static IPAddress Canonical(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public override string ToString() => string.Join(", ", _networks.Select(n => n.ToString()).Concat(_patterns));

    public bool Equals(ProbeAllowlist? other) => other is not null && _networks.Equals(other._networks) && _patterns.Equals(other._patterns);

    public override bool Equals(object? obj) => Equals(obj as ProbeAllowlist);

    public override int GetHashCode() => HashCode.Combine(_networks, _patterns);

    private static string Normalise(string name) => name.TrimEnd('.').ToLowerInvariant();

    private static IPNetwork? ParseNetwork(string text)
    {
        var slash = text.IndexOf('/');
        if (StrictAddress(slash < 0 ? text : text[..slash]) is not { } address)
        {
            return null;
        }

        var bits = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && !(int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) && prefix <= bits))
        {
            return null;
        }

        // ::ffff:10.0.0.0/104 is 10.0.0.0/8: the mapped space is compared as IPv4.
        if (address.IsIPv4MappedToIPv6 && prefix >= 96)
        {
            (address, prefix) = (address.MapToIPv4(), prefix - 96);
        }

        // A network is written with its host bits 0: 10.0.0.1/8 is more likely a typo than 10.0.0.0/8.
        var network = new IPNetwork(Masked(address, prefix), prefix);
        return network.BaseAddress.Equals(address) ? network : null;
    }

    /// <summary>An address in full: IPv4 as four decimal parts (IPAddress also reads "10" and "10.0.0"), IPv6 as IPAddress reads it.</summary>
    private static IPAddress? StrictAddress(string text)
    {
        if (!IPAddress.TryParse(text, out var address))
        {
            return null;
        }

        return address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || (text.Count(c => c == '.') == 3 && text.All(c => char.IsAsciiDigit(c) || c == '.'))
            ? address
            : null;
    }

    private static IPAddress Masked(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}

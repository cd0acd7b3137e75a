using System.Net;
using System.Text.RegularExpressions;
using PgReachExporter.Hba;

namespace PgReachExporter.Tests.Hba;

/// <summary>Everything the engine cannot see: the server's interfaces, DNS, the real role graph.</summary>
internal sealed record HbaWorld(
    IReadOnlyList<(IPAddress Address, IPAddress Mask)> Interfaces,
    IReadOnlyDictionary<string, string> ReverseDns,
    IReadOnlyDictionary<string, IReadOnlyList<IPAddress>> ForwardDns,
    IReadOnlyCollection<string> Roles,
    IReadOnlyList<(string Member, string Role)> Grants);

/// <summary>
/// A deliberately plain re-statement of PostgreSQL's check_hba for one concrete client in a fully known world,
/// written independently of the engine so property tests can judge it. Regular expressions are run with .NET,
/// which agrees with PostgreSQL for the simple patterns the generator uses.
/// </summary>
internal static class HbaOracle
{
    /// <summary>The first matching row, or null when none matches.</summary>
    public static HbaRule? FirstMatch(IReadOnlyList<HbaRule> rows, HbaClient client, HbaWorld world)
    {
        foreach (var row in rows)
        {
            if (row.Error is null && Matches(row, client, world))
                return row;
        }

        return null;
    }

    private static bool Matches(HbaRule row, HbaClient client, HbaWorld world)
    {
        var isLocal = client.ConnectionType == HbaConnectionType.Local;
        var ssl = client.ConnectionType == HbaConnectionType.HostSsl;
        var gss = client.ConnectionType == HbaConnectionType.HostGssEnc;
        var typeOk = row.Type switch
        {
            "local" => isLocal,
            "host" => !isLocal,
            "hostssl" => !isLocal && ssl,
            "hostnossl" => !isLocal && !ssl,
            "hostgssenc" => !isLocal && gss,
            "hostnogssenc" => !isLocal && !gss,
            _ => throw new InvalidOperationException($"oracle has no rule for type {row.Type}"),
        };
        if (!typeOk)
            return false;
        if (!isLocal && !AddressMatches(row, IPAddress.Parse(client.Address!), world))
            return false;
        return DatabaseMatches(row, client, world) && UserMatches(row, client.User, world);
    }

    private static bool AddressMatches(HbaRule row, IPAddress client, HbaWorld world)
    {
        switch (row.Address)
        {
            case "all":
                return true;
            case "samehost":
                return world.Interfaces.Any(i => i.Address.AddressFamily == client.AddressFamily && i.Address.Equals(WithoutScope(client)));
            case "samenet":
                return world.Interfaces.Any(i => InNetwork(client, i.Address, i.Mask));
        }

        var text = row.Address!;
        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            var network = IPAddress.Parse(text[..slash]);
            return InNetwork(client, network, PrefixMask(network, int.Parse(text[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (IPAddress.TryParse(text, out var address) && (text.Contains(':') || text.Count(c => c == '.') == 3))
            return InNetwork(client, address, IPAddress.Parse(row.Netmask!));

        // Host name: reverse lookup must match the pattern, and the name's forward lookup must give the client back.
        if (!world.ReverseDns.TryGetValue(WithoutScope(client).ToString(), out var name))
            return false;
        var nameMatches = text.StartsWith('.')
            ? name.EndsWith(text, StringComparison.OrdinalIgnoreCase)
            : string.Equals(name, text, StringComparison.OrdinalIgnoreCase);
        return nameMatches
               && world.ForwardDns.TryGetValue(name.ToLowerInvariant(), out var addresses)
               && addresses.Any(a => a.Equals(WithoutScope(client)));
    }

    private static bool InNetwork(IPAddress client, IPAddress network, IPAddress mask)
    {
        if (client.AddressFamily != network.AddressFamily || mask.AddressFamily != network.AddressFamily)
            return false;
        var c = client.GetAddressBytes();
        var n = network.GetAddressBytes();
        var m = mask.GetAddressBytes();
        for (var i = 0; i < c.Length; i++)
        {
            if ((c[i] & m[i]) != (n[i] & m[i]))
                return false;
        }

        return true;
    }

    private static IPAddress PrefixMask(IPAddress network, int prefix)
    {
        var bytes = new byte[network.GetAddressBytes().Length];
        for (var bit = 0; bit < prefix; bit++)
            bytes[bit / 8] |= (byte)(0x80 >> (bit % 8));
        return new IPAddress(bytes);
    }

    private static IPAddress WithoutScope(IPAddress address) => new(address.GetAddressBytes());

    private static bool DatabaseMatches(HbaRule row, HbaClient client, HbaWorld world)
    {
        foreach (var token in row.Databases)
        {
            if (client.PhysicalReplication)
            {
                if (token == "replication")
                    return true;
                continue;
            }

            var matched = token switch
            {
                "all" => true,
                "sameuser" => client.Database == client.User,
                "samerole" or "samegroup" => IsMember(world, client.User, client.Database),
                "replication" => false,
                _ when token.StartsWith('/') => Regex.IsMatch(client.Database, token[1..]),
                _ => token == client.Database,
            };
            if (matched)
                return true;
        }

        return false;
    }

    private static bool UserMatches(HbaRule row, string user, HbaWorld world) =>
        row.Users.Any(token => token switch
        {
            "all" => true,
            _ when token.StartsWith('+') => IsMember(world, user, token[1..]),
            _ when token.StartsWith('/') => Regex.IsMatch(user, token[1..]),
            _ => token == user,
        });

    private static bool IsMember(HbaWorld world, string member, string role)
    {
        if (!world.Roles.Contains(member) || !world.Roles.Contains(role))
            return false;
        var seen = new HashSet<string> { member };
        var frontier = new Queue<string>([member]);
        while (frontier.Count > 0)
        {
            var current = frontier.Dequeue();
            if (current == role)
                return true;
            foreach (var (m, r) in world.Grants)
            {
                if (m == current && world.Roles.Contains(r) && seen.Add(r))
                    frontier.Enqueue(r);
            }
        }

        return false;
    }
}

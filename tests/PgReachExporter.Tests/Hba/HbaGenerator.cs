using System.Net;
using PgReachExporter.Hba;

namespace PgReachExporter.Tests.Hba;

/// <summary>Seeded random rule lists, clients and worlds over a small vocabulary, so that lines often overlap.</summary>
internal sealed class HbaGenerator(int seed)
{
    private static readonly string[] Types = ["local", "host", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc"];
    private static readonly string[] DatabaseTokens = ["all", "all", "sameuser", "samerole", "samegroup", "replication", "orders", "orders", "billing", "app", "writers", "/^ord", "/s$"];
    private static readonly string[] DatabaseNames = ["orders", "billing", "app", "writers", "staff", "postgres"];
    private static readonly string[] UserTokens = ["all", "all", "app", "app", "admin", "auditor", "writers", "+writers", "+staff", "/^a"];
    private static readonly string[] UserNames = ["app", "admin", "auditor", "writers", "staff", "ghost"];
    private static readonly string[] Roles = ["app", "admin", "auditor", "writers", "staff"];
    private static readonly (string, string)[] PossibleGrants = [("app", "writers"), ("writers", "staff"), ("admin", "staff"), ("auditor", "writers"), ("staff", "app")];
    private static readonly string[] Methods = ["trust", "md5", "scram-sha-256", "reject", "reject"];

    private static readonly string[] Addresses =
    [
        "all", "samehost", "samenet", "db.example.com", ".example.com",
        "10.0.0.0/8", "10.0.1.0/24", "10.0.1.128/25", "10.0.0.0/25", "10.0.0.128/25", "10.0.0.0/16", "192.168.0.0/16",
        "0.0.0.0/0", "127.0.0.1/32", "10.0.0.5 255.0.0.255", "::/0", "::1/128", "2001:db8::/32", "2001:db8::/64", "::ffff:10.0.0.0/104",
    ];

    private static readonly string[] ExactAddresses = Addresses.Where(a => (a.Contains('.') && char.IsAsciiDigit(a[0])) || a.Contains(':') || a == "all").ToArray();

    public static readonly string[] ClientAddresses =
    [
        "10.0.1.5", "10.0.1.200", "10.0.0.5", "10.0.0.130", "10.77.3.5", "192.168.1.1", "127.0.0.1", "172.16.0.1",
        "::1", "2001:db8::5", "2001:db8:1::1", "::ffff:10.0.1.5", "fe80::1",
    ];

    public static readonly string[] ClientSubnets =
    [
        "10.0.1.0/24", "10.0.0.0/24", "10.0.0.0/16", "10.0.1.128/26", "192.168.0.0/24", "2001:db8::/64", "2001:db8::/48", "10.0.0.0/8",
    ];

    private static readonly string[] HostNames = ["db.example.com", "app.example.com", "x.eu.example.com", "other.org"];

    private static readonly (string Address, string Mask)[] Interfaces =
    [
        ("10.0.1.1", "255.255.255.0"), ("127.0.0.1", "255.0.0.0"), ("::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("2001:db8::1", "ffff:ffff:ffff:ffff::"), ("192.168.1.10", "255.255.255.0"), ("10.0.0.130", "255.255.255.128"),
    ];

    private readonly Random _random = new(seed);

    /// <summary>A rule list; exactOnly leaves out every form the engine answers as unknown.</summary>
    public List<HbaRule> RuleList(int count, bool exactOnly = false, bool viewLike = true)
    {
        var rules = new List<HbaRule>(count);
        for (var line = 1; line <= count; line++)
        {
            if (!exactOnly && _random.Next(25) == 0)
            {
                rules.Add(new HbaRule { LineNumber = line, Error = "invalid authentication method \"scram\"" });
                continue;
            }

            var type = Pick(Types);
            var databases = Several(exactOnly ? DatabaseTokens.Where(t => !t.StartsWith('/')).ToArray() : DatabaseTokens);
            var users = Several(exactOnly ? UserTokens.Where(t => !t.StartsWith('/')).ToArray() : UserTokens);
            var address = type == "local" ? "" : " " + Pick(exactOnly ? ExactAddresses : Addresses);
            var text = $"{type} {string.Join(',', databases)} {string.Join(',', users)}{address} {Pick(Methods)}";
            rules.Add(HbaText.Rule(text, line, viewLike));
        }

        return rules;
    }

    public HbaClient Client()
    {
        var type = (HbaConnectionType)_random.Next(6);
        var address = type == HbaConnectionType.Local ? null : Pick(ClientAddresses);
        return new HbaClient("c", address, Pick(DatabaseNames), Pick(UserNames), type, PhysicalReplication: _random.Next(8) == 0);
    }

    public HbaClient SubnetClient() =>
        new("subnet", Pick(ClientSubnets), Pick(DatabaseNames), Pick(UserNames), (HbaConnectionType)(1 + _random.Next(5)));

    public List<(string Member, string Role)> Grants() => PossibleGrants.Where(_ => _random.Next(2) == 0).ToList();

    public static RoleMembership Membership(IReadOnlyList<(string Member, string Role)> grants) => RoleMembership.FromGrants(Roles, grants);

    public HbaWorld World(IReadOnlyList<(string Member, string Role)> grants)
    {
        var interfaces = Interfaces.Where(_ => _random.Next(2) == 0)
            .Select(i => (IPAddress.Parse(i.Address), IPAddress.Parse(i.Mask))).ToList();
        var reverse = new Dictionary<string, string>();
        var forward = new Dictionary<string, IReadOnlyList<IPAddress>>();
        foreach (var address in ClientAddresses)
        {
            if (_random.Next(2) == 0)
                continue;
            var name = Pick(HostNames);
            reverse[IPAddress.Parse(address).ToString()] = name;
            var confirmed = _random.Next(5) > 0 ? IPAddress.Parse(address) : IPAddress.Parse("198.51.100.1");
            forward[name.ToLowerInvariant()] = [.. forward.GetValueOrDefault(name.ToLowerInvariant(), []), confirmed];
        }

        return new HbaWorld(interfaces, reverse, forward, Roles, grants);
    }

    /// <summary>Addresses inside a client subnet: its first, its last and a few in between.</summary>
    public IEnumerable<string> AddressesIn(string subnet)
    {
        Assert.True(IpNetwork.TryParseClient(subnet, out var network));
        yield return Format(network, network.First);
        yield return Format(network, network.Last);
        for (var i = 0; i < 6; i++)
        {
            var offset = (UInt128)(ulong)_random.NextInt64() * (ulong)_random.NextInt64();
            yield return Format(network, network.First | (offset & (network.Last - network.First)));
        }
    }

    private static string Format(IpNetwork network, UInt128 value)
    {
        if (network.Family == System.Net.Sockets.AddressFamily.InterNetwork)
            return new IPAddress(BitConverter.GetBytes((uint)value).Reverse().ToArray()).ToString();
        var bytes = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new IPAddress(bytes).ToString();
    }

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];

    private string[] Several(string[] items) =>
        Enumerable.Range(0, 1 + _random.Next(3)).Select(_ => Pick(items)).Distinct().ToArray();
}

using PgReachExporter.Hba;

namespace PgReachExporter.Benchmarks;

public enum HbaFileShape
{
    Varied,
    AllAll,
}

/// <summary>A large, varied pg_hba file in pg_hba_file_rules form, and clients aimed at it; seeded so runs compare.</summary>
internal sealed class HbaBenchmarkData(int seed)
{
    private static readonly string[] Types = ["host", "host", "host", "hostssl", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc", "local"];
    private static readonly string[] Methods = ["scram-sha-256", "scram-sha-256", "scram-sha-256", "md5", "cert", "reject"];
    private readonly Random _random = new(seed);

    public IReadOnlyList<HbaRule> Rules(int count, HbaFileShape shape)
    {
        var rows = new List<HbaRule>(count);
        for (var line = 1; line <= count; line++)
        {
            var type = Pick(Types);
            var (address, netmask) = type == "local" ? (null, null) : Address();
            var method = Pick(Methods);
            if (method == "cert" && type != "hostssl")
                method = "md5"; // the server refuses cert elsewhere
            rows.Add(new HbaRule
            {
                RuleNumber = line,
                FileName = "/etc/postgresql/18/main/pg_hba.conf",
                LineNumber = line,
                Type = type,
                Databases = shape == HbaFileShape.AllAll ? ["all"] : Names("db", 60, "all", "sameuser", "replication"),
                Users = shape == HbaFileShape.AllAll ? ["all"] : Names("user", 80, "all", "+group" + _random.Next(10)),
                Address = address,
                Netmask = netmask,
                AuthMethod = method,
            });
        }

        return rows;
    }

    public IReadOnlyList<HbaClient> Clients(int count) =>
        Enumerable.Range(0, count).Select(i => new HbaClient(
            $"client{i}",
            i % 10 == 0 ? $"10.{_random.Next(256)}.{_random.Next(256)}.0/24" : $"10.{_random.Next(256)}.{_random.Next(256)}.{_random.Next(256)}",
            "db" + _random.Next(60),
            "user" + _random.Next(80),
            (HbaConnectionType)(1 + _random.Next(5)))).ToList();

    public RoleMembership Membership()
    {
        var users = Enumerable.Range(0, 80).Select(i => "user" + i);
        var groups = Enumerable.Range(0, 10).Select(i => "group" + i);
        var grants = Enumerable.Range(0, 80).Select(i => ("user" + i, "group" + (i % 10)));
        return RoleMembership.FromGrants(users.Concat(groups), grants);
    }

    private (string Address, string? Netmask) Address()
    {
        var roll = _random.Next(100);
        if (roll < 2)
            return ("samenet", null);
        if (roll < 4)
            return ($"app{_random.Next(20)}.example.com", null);
        if (roll < 6)
            return ("all", null);
        if (roll < 12)
            return ($"2001:db8:{_random.Next(65536):x}::", "ffff:ffff:ffff::");
        var prefix = 8 + _random.Next(25);
        var value = (uint)(10 << 24) | ((uint)_random.Next() & 0x00FFFFFF);
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        value &= mask;
        return (Dotted(value), Dotted(mask));
    }

    private IReadOnlyList<string> Names(string prefix, int range, params string[] keywords)
    {
        if (_random.Next(10) == 0)
            return [Pick(keywords)];
        return Enumerable.Range(0, 1 + _random.Next(3)).Select(_ => prefix + _random.Next(range)).Distinct().ToArray();
    }

    private static string Dotted(uint value) => $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}";

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}

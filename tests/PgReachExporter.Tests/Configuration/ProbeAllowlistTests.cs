using System.Net;
using PgReachExporter.Configuration;

namespace PgReachExporter.Tests.Configuration;

public sealed class ProbeAllowlistTests
{
    private static ProbeAllowlist Allow(params string[] entries) =>
        ProbeAllowlist.TryParse(entries, out var problem) ?? throw new InvalidOperationException(problem);

    [Theory]
    [InlineData("10.0.0.0/8", "10.255.1.2", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("192.168.1.0/24", "192.168.1.255", true)]
    [InlineData("192.168.1.0/24", "192.168.2.1", false)]
    [InlineData("127.0.0.2", "127.0.0.2", true)]
    [InlineData("127.0.0.2", "127.0.0.3", false)]
    [InlineData("fd00::/64", "fd00::1234", true)]
    [InlineData("fd00::/64", "fd00:0:0:1::1", false)]
    [InlineData("::1", "::1", true)]
    [InlineData("0.0.0.0/0", "8.8.8.8", true)]
    public void An_address_is_allowed_only_inside_a_listed_network(string network, string address, bool allowed) =>
        Assert.Equal(allowed, Allow(network).Permits(IPAddress.Parse(address)));

    [Fact]
    public void Families_never_mix_except_through_IPv4_mapped_addresses()
    {
        var v4 = Allow("10.0.0.0/8");
        Assert.True(v4.Permits(IPAddress.Parse("::ffff:10.1.2.3")));
        Assert.False(v4.Permits(IPAddress.Parse("::ffff:11.1.2.3")));
        Assert.False(v4.Permits(IPAddress.Parse("::a01:203")));
        Assert.False(Allow("::/0").Permits(IPAddress.Parse("10.1.2.3")));
        Assert.False(Allow("::/0").Permits(IPAddress.Parse("::ffff:10.1.2.3")));

        // A mapped network is the IPv4 network it carries.
        var mapped = Allow("::ffff:10.0.0.0/104");
        Assert.True(mapped.Permits(IPAddress.Parse("10.9.9.9")));
        Assert.True(mapped.Permits(IPAddress.Parse("::ffff:10.9.9.9")));
        Assert.False(mapped.Permits(IPAddress.Parse("11.0.0.1")));
    }

    [Theory]
    [InlineData("*.db.internal", "db1.db.internal", true)]
    [InlineData("*.db.internal", "a.b.db.internal", true)]
    [InlineData("*.db.internal", "DB1.DB.Internal", true)]
    [InlineData("*.db.internal", "db1.db.internal.", true)]
    [InlineData("*.db.internal", "db.internal", false)]
    [InlineData("*.db.internal", "evildb.internal", false)]
    [InlineData("*.db.internal", "db1.db.internal.evil.com", false)]
    [InlineData("*.DB.internal", "x.db.internal", true)]
    [InlineData("orders.internal", "orders.internal", true)]
    [InlineData("orders.internal", "ORDERS.internal", true)]
    [InlineData("orders.internal", "x.orders.internal", false)]
    public void A_name_is_allowed_only_by_a_matching_pattern(string pattern, string host, bool allowed) =>
        Assert.Equal(allowed, Allow(pattern).PermitsName(host));

    [Fact]
    public void Networks_do_not_allow_names_and_patterns_do_not_allow_addresses()
    {
        var allow = Allow("10.0.0.0/8", "*.db.internal");

        Assert.False(allow.PermitsName("10.0.0.1"));
        Assert.False(allow.Permits(IPAddress.Parse("192.168.0.1")));
        Assert.Equal("10.0.0.0/8, *.db.internal", allow.ToString());
    }

    [Theory]
    [InlineData("10.0.0.1/8", "is not a CIDR")]
    [InlineData("10.0.0.0/33", "is not a CIDR")]
    [InlineData("10.0.0/8", "is not a CIDR")]
    [InlineData("fd00::1/64", "is not a CIDR")]
    [InlineData("db.*.internal", "neither a CIDR nor a host-name pattern")]
    [InlineData("*", "neither a CIDR nor a host-name pattern")]
    [InlineData("**.internal", "neither a CIDR nor a host-name pattern")]
    [InlineData("bad name", "neither a CIDR nor a host-name pattern")]
    public void A_bad_entry_is_refused_with_its_value(string entry, string expected)
    {
        Assert.Null(ProbeAllowlist.TryParse([entry], out var problem));
        Assert.Contains(expected, problem);
        Assert.Contains($"'{entry}'", problem);
    }
}

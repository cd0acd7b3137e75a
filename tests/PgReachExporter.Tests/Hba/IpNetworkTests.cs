using System.Net.Sockets;
using PgReachExporter.Hba;

namespace PgReachExporter.Tests.Hba;

public class IpNetworkTests
{
    [Theory]
    [InlineData("10.0.1.0", "255.255.255.0", "10.0.1.0/24")]
    [InlineData("10.0.1.9/24", null, "10.0.1.0/24")]
    [InlineData("10.0.1.9/24", "255.255.255.0", "10.0.1.0/24")]
    [InlineData("0.0.0.0/0", null, "0.0.0.0/0")]
    [InlineData("2001:db8::", "ffff:ffff::", "2001:db8::/32")]
    [InlineData("2001:db8::1/128", null, "2001:db8::1/128")]
    [InlineData("::/0", null, "::/0")]
    [InlineData("10.0.0.5", "255.0.0.255", "10.0.0.5 255.0.0.255")]
    public void Rule_addresses_parse_from_cidr_or_netmask(string address, string? netmask, string expected)
    {
        Assert.Null(IpNetwork.TryParseRule(address, netmask, out var network));
        Assert.Equal(expected, network.ToString());
    }

    [Theory]
    [InlineData("10.0.0.0", null, "no netmask")]
    [InlineData("10.0.0.0/33", null, "invalid CIDR")]
    [InlineData("10.0.0.0/-1", null, "invalid CIDR")]
    [InlineData("10.0.0.0/x", null, "invalid CIDR")]
    [InlineData("10.0.0.0", "ffff::", "do not match")]
    [InlineData("2001:db8::", "255.255.0.0", "do not match")]
    [InlineData("10.0.0.0", "nonsense", "invalid IP mask")]
    [InlineData("10.0.0.0/8", "255.255.0.0", "disagrees")]
    [InlineData("10.0.0", "255.0.0.0", "invalid IP address")]
    public void Unusable_rule_addresses_say_why(string address, string? netmask, string because)
    {
        Assert.Contains(because, IpNetwork.TryParseRule(address, netmask, out _));
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.1.0.0/16", true)]
    [InlineData("10.0.0.0/8", "10.0.0.0/8", true)]
    [InlineData("10.1.0.0/16", "10.0.0.0/8", false)]
    [InlineData("0.0.0.0/0", "::/0", false)]
    [InlineData("::/0", "2001:db8::/32", true)]
    public void Cover_means_every_address_inside(string outer, string inner, bool covers)
    {
        Assert.True(IpNetwork.TryParseClient(outer, out var a));
        Assert.True(IpNetwork.TryParseClient(inner, out var b));
        Assert.Equal(covers, a.Covers(b));
    }

    [Fact]
    public void Non_contiguous_mask_covers_only_when_its_bits_are_fixed_by_the_other()
    {
        Assert.Null(IpNetwork.TryParseRule("10.0.0.5", "255.0.0.255", out var sparse));
        Assert.True(IpNetwork.TryParseClient("10.9.9.5/32", out var host));
        Assert.True(IpNetwork.TryParseClient("10.9.9.0/24", out var subnet));

        Assert.True(sparse.Covers(host));
        Assert.False(sparse.Covers(subnet));
        Assert.True(sparse.Overlaps(subnet));
        Assert.False(sparse.IsContiguous);
    }

    [Fact]
    public void Ipv4_mapped_ipv6_stays_ipv6()
    {
        Assert.True(IpNetwork.TryParseClient("::ffff:10.0.0.1", out var mapped));

        Assert.Equal(AddressFamily.InterNetworkV6, mapped.Family);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("0x0a000001")]
    [InlineData("host.example")]
    [InlineData("")]
    public void Client_address_must_be_dotted_ipv4_or_ipv6(string text)
    {
        Assert.False(IpNetwork.TryParseClient(text, out _));
    }
}

using System.Net;
using PgReachExporter.HostSignals;

namespace PgReachExporter.Tests.HostSignals.Sockets;

public sealed class LocalAddressesTests
{
    private static readonly IPAddress[] Interfaces = [IPAddress.Parse("10.1.2.3"), IPAddress.Parse("fe80::1%2"), IPAddress.Parse("2001:db8::7")];

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.5.6.7")]
    [InlineData("::1")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("10.1.2.3")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("fe80::1")]
    [InlineData("2001:db8::7")]
    public void Loopback_wildcards_and_interface_addresses_are_local(string address)
    {
        Assert.True(LocalAddresses.IsLocal(IPAddress.Parse(address), Interfaces));
    }

    [Theory]
    [InlineData("10.1.2.4")]
    [InlineData("192.0.2.1")]
    [InlineData("2001:db8::8")]
    public void Other_addresses_are_not_local(string address)
    {
        Assert.False(LocalAddresses.IsLocal(IPAddress.Parse(address), Interfaces));
    }

    [Fact]
    public void This_machine_s_own_interfaces_are_read()
    {
        Assert.Contains(LocalAddresses.Current(), a => IPAddress.IsLoopback(a));
        Assert.True(LocalAddresses.IsLocal(IPAddress.Loopback));
    }
}

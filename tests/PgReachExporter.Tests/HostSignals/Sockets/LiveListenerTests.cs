using System.Net;
using System.Net.Sockets;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;

namespace PgReachExporter.Tests.HostSignals.Sockets;

/// <summary>Real listening sockets of this test process, found through the real /proc.</summary>
public sealed class LiveListenerTests
{
    private static readonly string OwnName = File.ReadAllText("/proc/self/comm").TrimEnd('\n');

    [Theory]
    [InlineData("127.0.0.1", "IPv4")]
    [InlineData("0.0.0.0", "IPv4")]
    [InlineData("::1", "IPv6")]
    [InlineData("::", "IPv6")]
    public void Own_listener_is_found_with_family_and_this_process_as_owner(string address, string family)
    {
        IPAddress bound = IPAddress.Parse(address);
        using Socket listener = Listen(bound, dualMode: false);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        ListenerObservation observed = new LocalListenerInspector().Inspect(port);

        // The port is unique per family only: another process may hold the same number in the other family.
        ObservedListener found = Assert.Single(observed.Listeners, l => l.Socket.Address.Equals(bound));
        Assert.Equal(Enum.Parse<ListenerFamily>(family), found.Socket.Family);
        Assert.Equal(new SocketOwner(Environment.ProcessId, OwnName, IsPostgres: false), found.Owner);
    }

    [Fact]
    public void Ipv6_socket_bound_to_a_mapped_address_is_reported_as_the_ipv4_address()
    {
        using Socket listener = Listen(IPAddress.Parse("::ffff:127.0.0.1"), dualMode: true);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        ListenerObservation observed = new LocalListenerInspector().Inspect(port);

        ObservedListener found = Assert.Single(observed.Listeners, l => l.Socket.Family == ListenerFamily.IPv4Mapped);
        Assert.Equal(("127.0.0.1", ListenerFamily.IPv4Mapped), (found.Socket.AddressLabel, found.Socket.Family));
    }

    [Fact]
    public void Closed_listener_is_gone_from_the_table()
    {
        int port;
        using (Socket listener = Listen(IPAddress.Loopback, dualMode: false))
        {
            port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        }

        Assert.DoesNotContain(new LocalListenerInspector().Inspect(port).Listeners, l => l.Socket.Address.Equals(IPAddress.Loopback));
    }

    private static Socket Listen(IPAddress address, bool dualMode)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            socket.DualMode = dualMode;
        }

        socket.Bind(new IPEndPoint(address, 0));
        socket.Listen();
        return socket;
    }
}

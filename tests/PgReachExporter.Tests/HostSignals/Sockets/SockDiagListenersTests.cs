using System.Net;
using System.Net.Sockets;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;

namespace PgReachExporter.Tests.HostSignals.Sockets;

/// <summary>The netlink listing agrees with /proc/net/tcp{,6} on real listening sockets of this process.</summary>
public sealed class SockDiagListenersTests
{
    [Fact]
    public void Netlink_lists_the_same_listeners_as_the_proc_tables()
    {
        using Socket v4 = Listen(IPAddress.Loopback, dualMode: false);
        using Socket any = Listen(IPAddress.Any, dualMode: false);
        using Socket v6 = Listen(IPAddress.IPv6Loopback, dualMode: false);
        using Socket mapped = Listen(IPAddress.Parse("::ffff:127.0.0.1"), dualMode: true);
        var ours = new[] { v4, any, v6, mapped }.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port).ToHashSet();

        ListenerScan netlink = SockDiagListeners.TryScanAll() ?? throw new InvalidOperationException("sock_diag netlink is not usable here");
        ListenerScan proc = new ListeningSocketTable().ScanAll();

        Assert.True(netlink.Complete);
        Assert.Equal(Ours(proc, ours), Ours(netlink, ours));
        Assert.Equal(4, Ours(netlink, ours).Count);
        Assert.Contains(Ours(netlink, ours), l => l.Family == ListenerFamily.IPv4Mapped && l.AddressLabel == "127.0.0.1");
    }

    private static List<ListeningSocket> Ours(ListenerScan scan, HashSet<int> ports) =>
        [.. scan.Listeners.Where(l => ports.Contains(l.Port)).OrderBy(l => l.Inode)];

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

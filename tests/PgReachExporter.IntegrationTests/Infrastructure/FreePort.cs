using System.Net;
using System.Net.Sockets;

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>Ports the OS reports free; nothing listens on one afterwards, so a connect to it is refused.</summary>
public static class FreePort
{
    /// <summary>Binds port 0 on <paramref name="address"/> (default 127.0.0.1), notes the port the OS chose, and releases it.</summary>
    public static int Allocate(IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        LoopbackAddress.Require(address);
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

using System.Net;
using System.Net.Sockets;

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback TCP listener that answers like another service (SSH, HTTP, ...): the port is open,
/// but what speaks there is not PostgreSQL.
/// </summary>
public sealed class ForeignProtocolListener : IAsyncDisposable
{
    private readonly AcceptLoop _loop;

    private ForeignProtocolListener(ForeignProtocol protocol, IPAddress address, int port)
    {
        Protocol = protocol;
        _loop = new AcceptLoop(address, port, ConverseAsync);
    }

    public ForeignProtocol Protocol { get; }

    public IPEndPoint EndPoint => _loop.EndPoint;

    public IPAddress Address => EndPoint.Address;

    public int Port => EndPoint.Port;

    public int AcceptedCount => _loop.AcceptedCount;

    /// <summary>Listens on <paramref name="address"/> (default 127.0.0.1) at <paramref name="port"/> (0 = any free port).</summary>
    public static ForeignProtocolListener Start(ForeignProtocol protocol, IPAddress? address = null, int port = 0) =>
        new(protocol, address ?? IPAddress.Loopback, port);

    public Task WaitForAcceptedAsync(int count, TimeSpan timeout) => _loop.WaitForAcceptedAsync(count, timeout);

    public ValueTask DisposeAsync() => _loop.DisposeAsync();

    private async Task ConverseAsync(Socket client, CancellationToken stopping)
    {
        if (Protocol.Greeting.Length > 0)
        {
            await client.SendAsync(Protocol.Greeting, SocketFlags.None, stopping).ConfigureAwait(false);
        }

        var buffer = new byte[4096];
        if (await client.ReceiveAsync(buffer, SocketFlags.None, stopping).ConfigureAwait(false) == 0)
        {
            return;
        }

        if (Protocol.Reply.Length > 0)
        {
            await client.SendAsync(Protocol.Reply, SocketFlags.None, stopping).ConfigureAwait(false);
        }

        if (Protocol.CloseAfterReply)
        {
            client.Shutdown(SocketShutdown.Both);
            return;
        }

        while (await client.ReceiveAsync(buffer, SocketFlags.None, stopping).ConfigureAwait(false) > 0)
        {
        }
    }
}

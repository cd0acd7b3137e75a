using System.Net;
using System.Net.Sockets;

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback TCP listener that accepts every connection and never sends a byte: the TCP handshake
/// succeeds, the PostgreSQL startup exchange never completes.
/// </summary>
public sealed class SilentListener : IAsyncDisposable
{
    private readonly AcceptLoop _loop;

    private SilentListener(IPAddress address, int port) => _loop = new AcceptLoop(address, port, ReadUntilClosedAsync);

    public IPEndPoint EndPoint => _loop.EndPoint;

    public IPAddress Address => EndPoint.Address;

    public int Port => EndPoint.Port;

    public int AcceptedCount => _loop.AcceptedCount;

    /// <summary>Listens on <paramref name="address"/> (default 127.0.0.1) at <paramref name="port"/> (0 = any free port).</summary>
    public static SilentListener Start(IPAddress? address = null, int port = 0) => new(address ?? IPAddress.Loopback, port);

    public Task WaitForAcceptedAsync(int count, TimeSpan timeout) => _loop.WaitForAcceptedAsync(count, timeout);

    public ValueTask DisposeAsync() => _loop.DisposeAsync();

    // Reading (and discarding) keeps the client's sends from blocking; nothing is ever written back.
    private static async Task ReadUntilClosedAsync(Socket client, CancellationToken stopping)
    {
        var buffer = new byte[4096];
        while (await client.ReceiveAsync(buffer, SocketFlags.None, stopping).ConfigureAwait(false) > 0)
        {
        }
    }
}

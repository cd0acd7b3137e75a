using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PgReachExporter.LoadHarness;

/// <summary>
/// A loopback port that speaks just enough of the PostgreSQL protocol to reject a login the way a server without
/// a matching pg_hba.conf line does: 'N' to an SSLRequest or GSSENCRequest, then ErrorResponse 28000 and close.
/// The agent's login probe therefore does real protocol work: the SSL negotiation, the startup packet, the error.
/// </summary>
internal sealed class RejectingPostgresListener : IAsyncDisposable
{
    private const int SslRequestCode = 80877103;
    private const int GssEncRequestCode = 80877104;
    private const int ProtocolVersion3 = 196608;
    private const int MaxPacket = 8192;

    // A connection that has not finished its exchange within this time is dropped.
    private static readonly TimeSpan ConnectionDeadline = TimeSpan.FromSeconds(5);

    private static readonly byte[] Rejection = ErrorResponse("FATAL", "28000",
        "no pg_hba.conf entry for host \"127.0.0.1\", user \"pgreach_load\", database \"postgres\", no encryption");

    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _connections;

    public RejectingPostgresListener(IPAddress address)
    {
        _socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _socket.Bind(new IPEndPoint(address, 0));
        _socket.Listen(128);
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _acceptLoop = AcceptAsync(_stop.Token);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Connections accepted so far (TCP probes and logins alike).</summary>
    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync(CancellationToken stop)
    {
        // Ends when the listener is disposed; the harness bounds its own lifetime.
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = ServeAsync(client, stop);
        }
    }

    private static async Task ServeAsync(Socket client, CancellationToken stop)
    {
        using var _ = client;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(ConnectionDeadline);
        var buffer = new byte[MaxPacket];
        try
        {
            // At most an SSLRequest, a GSSENCRequest and the startup packet.
            for (var packet = 0; packet < 3; packet++)
            {
                if (!await ReadExactlyOrEndAsync(client, buffer.AsMemory(0, 4), deadline.Token).ConfigureAwait(false))
                {
                    return;
                }

                var length = BinaryPrimitives.ReadInt32BigEndian(buffer);
                if (length is < 8 or > MaxPacket
                    || !await ReadExactlyOrEndAsync(client, buffer.AsMemory(4, length - 4), deadline.Token).ConfigureAwait(false))
                {
                    return;
                }

                var code = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(4));
                if (code is SslRequestCode or GssEncRequestCode)
                {
                    await client.SendAsync("N"u8.ToArray(), deadline.Token).ConfigureAwait(false);
                    continue;
                }

                if (code == ProtocolVersion3)
                {
                    await client.SendAsync(Rejection, deadline.Token).ConfigureAwait(false);
                }

                return;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client went away or took too long: either way this exchange is over.
        }
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Socket client, Memory<byte> target, CancellationToken token)
    {
        while (!target.IsEmpty)
        {
            var read = await client.ReceiveAsync(target, token).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            target = target[read..];
        }

        return true;
    }

    /// <summary>ErrorResponse: 'E', int32 length, fields S, V, C, M each a NUL-terminated string, then a final NUL.</summary>
    internal static byte[] ErrorResponse(string severity, string sqlState, string message)
    {
        var body = new MemoryStream();
        foreach (var (field, value) in new[] { ('S', severity), ('V', severity), ('C', sqlState), ('M', message) })
        {
            body.WriteByte((byte)field);
            body.Write(Encoding.UTF8.GetBytes(value));
            body.WriteByte(0);
        }

        body.WriteByte(0);
        var packet = new byte[1 + 4 + body.Length];
        packet[0] = (byte)'E';
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(1), 4 + (int)body.Length);
        body.ToArray().CopyTo(packet, 5);
        return packet;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _stop.Dispose();
    }
}

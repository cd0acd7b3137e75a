using System.Net;
using System.Net.Sockets;

namespace PgReachExporter.Lab;

/// <summary>
/// A loopback port where connection attempts time out instead of being refused, as behind a firewall
/// that drops SYNs: a listening socket that never accepts, with its accept queue filled by its own
/// client connections, so the kernel drops every further SYN.
/// </summary>
public sealed class BlackHoleListener : IAsyncDisposable
{
    private const int MaxFillers = 16;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(300);

    private readonly Socket _listener;
    private readonly List<Socket> _fillers = [];

    private BlackHoleListener(Socket listener)
    {
        _listener = listener;
        EndPoint = (IPEndPoint)listener.LocalEndPoint!;
    }

    public IPEndPoint EndPoint { get; }

    public IPAddress Address => EndPoint.Address;

    public int Port => EndPoint.Port;

    /// <summary>How many of its own connections fill the accept queue.</summary>
    public int FillerCount => _fillers.Count;

    /// <summary>
    /// Listens on <paramref name="address"/> (default 127.0.0.1) at <paramref name="port"/> (0 = any free port),
    /// fills the accept queue, and returns once a further connect attempt has been seen not to complete within 300 ms.
    /// </summary>
    /// <remarks>
    /// A given port may be one a server just left: its closed connections in TIME_WAIT do not block the bind
    /// (SO_REUSEADDR), so a test can turn a server's own port into a black hole and back.
    /// </remarks>
    public static async Task<BlackHoleListener> StartAsync(IPAddress? address = null, int port = 0, CancellationToken cancellationToken = default)
    {
        address ??= IPAddress.Loopback;
        LoopbackAddress.Require(address);
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(address, port));
            listener.Listen(0); // Linux keeps backlog + 1 connections queued
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        var blackHole = new BlackHoleListener(listener);
        try
        {
            await blackHole.FillAcceptQueueAsync(cancellationToken).ConfigureAwait(false);
            return blackHole;
        }
        catch
        {
            await blackHole.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        _fillers.ForEach(s => s.Dispose());
        _listener.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task FillAcceptQueueAsync(CancellationToken cancellationToken)
    {
        // Each attempt either completes (one more queued connection, kept open) or times out: the queue is full.
        for (var attempt = 0; attempt < MaxFillers; attempt++)
        {
            var client = new Socket(EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            probe.CancelAfter(ProbeTimeout);
            try
            {
                await client.ConnectAsync(EndPoint, probe.Token).ConfigureAwait(false);
                _fillers.Add(client);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                client.Dispose();
                return;
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        throw new InvalidOperationException($"{EndPoint} still completed connections after {MaxFillers} fillers; SYNs are not being dropped.");
    }
}

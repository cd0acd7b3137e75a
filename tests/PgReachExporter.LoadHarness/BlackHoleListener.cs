using System.Net;
using System.Net.Sockets;

namespace PgReachExporter.LoadHarness;

/// <summary>
/// A loopback port whose accept queue is full and never drained: Linux drops further SYNs, so a connect to it
/// times out exactly as one to a firewalled host does. One listener serves any number of targets.
/// </summary>
internal sealed class BlackHoleListener : IDisposable
{
    private const int MaxFillers = 16;
    private static readonly TimeSpan FillerWait = TimeSpan.FromMilliseconds(300);

    private readonly Socket _socket;
    private readonly List<Socket> _fillers = [];

    private BlackHoleListener(Socket socket) => _socket = socket;

    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Opens the listener and fills its accept queue until a connect is no longer answered.</summary>
    public static async Task<BlackHoleListener> OpenAsync(IPAddress address, CancellationToken cancellation)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        var listener = new BlackHoleListener(socket);
        try
        {
            socket.Bind(new IPEndPoint(address, 0));
            // Backlog 0: the queue holds one completed connection, the next SYN is dropped.
            socket.Listen(0);
            var listenerEndPoint = listener.EndPoint;
            for (var i = 0; i < MaxFillers; i++)
            {
                var filler = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                wait.CancelAfter(FillerWait);
                try
                {
                    await filler.ConnectAsync(listenerEndPoint, wait.Token).ConfigureAwait(false);
                    listener._fillers.Add(filler);
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    filler.Dispose();
                    return listener;
                }
            }

            throw new InvalidOperationException($"the accept queue of {listenerEndPoint} did not fill after {MaxFillers} connections");
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var filler in _fillers)
        {
            filler.Dispose();
        }

        _socket.Dispose();
    }
}

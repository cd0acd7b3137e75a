using System.Net;
using System.Net.Sockets;

namespace PgReachExporter.Soak;

/// <summary>
/// A loopback port that is a black hole when on (a listener with a full accept queue that is never drained, as the
/// load harness's BlackHoleListener) and refuses connections when off (nothing bound). The port stays the same.
/// </summary>
internal sealed class SwitchableBlackHole : IDisposable
{
    private const int MaxFillers = 16;
    private static readonly TimeSpan FillerWait = TimeSpan.FromMilliseconds(300);

    private readonly List<Socket> _sockets = [];

    private SwitchableBlackHole(IPEndPoint endPoint) => EndPoint = endPoint;

    public IPEndPoint EndPoint { get; }

    public bool IsOn => _sockets.Count > 0;

    /// <summary>Picks a port (from the OS) and switches the black hole on.</summary>
    public static async Task<SwitchableBlackHole> OpenAsync(IPAddress address, CancellationToken cancellation)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(address, 0));
        var hole = new SwitchableBlackHole((IPEndPoint)probe.LocalEndPoint!);
        probe.Dispose();
        await hole.SwitchOnAsync(cancellation).ConfigureAwait(false);
        return hole;
    }

    public async Task SwitchOnAsync(CancellationToken cancellation)
    {
        if (IsOn)
        {
            return;
        }

        var listener = new Socket(EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _sockets.Add(listener);
        try
        {
            // SO_REUSEADDR so that the fillers' TIME_WAIT connections of the last "on" do not keep the port.
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(EndPoint);
            listener.Listen(0); // the queue holds one completed connection, the next SYN is dropped
            for (var i = 0; i < MaxFillers; i++)
            {
                var filler = new Socket(EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                wait.CancelAfter(FillerWait);
                try
                {
                    await filler.ConnectAsync(EndPoint, wait.Token).ConfigureAwait(false);
                    _sockets.Add(filler);
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    filler.Dispose();
                    return;
                }
            }

            throw new InvalidOperationException($"the accept queue of {EndPoint} did not fill after {MaxFillers} connections");
        }
        catch
        {
            SwitchOff();
            throw;
        }
    }

    public void SwitchOff()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        _sockets.Clear();
    }

    public void Dispose() => SwitchOff();
}

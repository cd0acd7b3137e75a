using System.Net;
using System.Net.Sockets;
using PgReachExporter.Classification;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes;

/// <summary>
/// Connects to one address, classifying the outcome by socket error code. A failed connect (refused, unreachable,
/// timed out) is an answer, not an error: it is read off the socket's completion without an exception being thrown.
/// </summary>
internal sealed class TcpConnectProbe(TimeProvider time)
{
    /// <summary>Connects and closes again.</summary>
    public async Task<TcpObservation> ConnectAsync(EndPoint endpoint, TimeSpan timeout, CancellationToken stopping)
    {
        var (observation, socket) = await ConnectAndKeepAsync(endpoint, timeout, stopping).ConfigureAwait(false);
        CloseQuietly(socket);
        return observation;
    }

    /// <summary>
    /// Connects and, when the address accepted, hands the connected socket to the caller, which owns it from then on
    /// (<see cref="CloseQuietly"/> when it has no use for it): the cycle's next probe of that address goes on over it
    /// rather than dialling again.
    /// </summary>
    public async Task<(TcpObservation Observation, Socket? Connected)> ConnectAndKeepAsync(EndPoint endpoint, TimeSpan timeout, CancellationToken stopping)
    {
        var (address, family) = Describe(endpoint);
        var started = time.GetTimestamp();
        if (endpoint is UnixDomainSocketEndPoint && !File.Exists(address))
        {
            return (new(address, family, TcpConnectResult.Refused, TimeSpan.Zero, "no socket file"), null);
        }

        var socket = endpoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            SocketError error;
            using (var deadline = Deadline.After(timeout, time, stopping))
            {
                error = await QuietConnect.RunAsync(socket, endpoint, deadline.Token).ConfigureAwait(false);
            }

            var elapsed = time.GetElapsedTime(started);
            if (error == SocketError.Success)
            {
                var local = (socket.LocalEndPoint as IPEndPoint)?.Address;
                var open = new TcpObservation(address, family, TcpConnectResult.Open, elapsed, null)
                {
                    LocalAddress = local is null ? null : (local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local).ToString(),
                };
                var connected = socket;
                socket = null;
                return (open, connected);
            }

            stopping.ThrowIfCancellationRequested();
            return error == SocketError.OperationAborted
                ? (new(address, family, TcpConnectResult.Timeout, elapsed, $"no answer within {timeout.TotalSeconds:0.###}s"), null)
                : (new(address, family, SocketErrorClassifier.Classify(error), elapsed, error.ToString()), null);
        }
        finally
        {
            socket?.Dispose();
        }
    }

    /// <summary>A graceful close: PostgreSQL logs nothing for a connection that sent no bytes and ended cleanly.</summary>
    public static void CloseQuietly(Socket? socket)
    {
        if (socket is null)
        {
            return;
        }

        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // The peer closed first: nothing left to end.
        }
        finally
        {
            socket.Dispose();
        }
    }

    private static (string Address, string Family) Describe(EndPoint endpoint) => endpoint switch
    {
        IPEndPoint ip => (ip.Address.ToString(), AddressFamilies.Of(ip.Address)),
        UnixDomainSocketEndPoint unix => (unix.ToString(), AddressFamilies.Unix),
        _ => (endpoint.ToString() ?? "?", "unknown"),
    };

    /// <summary>
    /// A connect whose outcome is a <see cref="SocketError"/>: <see cref="Socket.ConnectAsync(SocketAsyncEventArgs)"/>
    /// reports a refusal in the event args instead of throwing, and cancellation aborts it (<see cref="SocketError.OperationAborted"/>).
    /// </summary>
    private sealed class QuietConnect : SocketAsyncEventArgs
    {
        // Continuations run off the socket engine's callback, which still uses these args after OnCompleted returns.
        private readonly TaskCompletionSource<SocketError> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private QuietConnect(EndPoint endpoint) => RemoteEndPoint = endpoint;

        public static async Task<SocketError> RunAsync(Socket socket, EndPoint endpoint, CancellationToken cancellation)
        {
            using var args = new QuietConnect(endpoint);
            if (cancellation.IsCancellationRequested)
            {
                return SocketError.OperationAborted;
            }

            if (!socket.ConnectAsync(args))
            {
                return args.SocketError;
            }

            SocketError result;
            await using (cancellation.UnsafeRegister(static state => Socket.CancelConnectAsync((SocketAsyncEventArgs)state!), args).ConfigureAwait(false))
            {
                result = await args._done.Task.ConfigureAwait(false);
            }

            // A connect that completed as the deadline fired may have had its socket closed by the cancellation: late.
            return result == SocketError.Success && cancellation.IsCancellationRequested ? SocketError.OperationAborted : result;
        }

        protected override void OnCompleted(SocketAsyncEventArgs e) => _done.TrySetResult(e.SocketError);
    }
}

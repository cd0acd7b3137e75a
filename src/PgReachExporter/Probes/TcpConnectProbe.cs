using System.Net;
using System.Net.Sockets;
using PgReachExporter.Classification;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes;

/// <summary>Connects to one address and closes again, classifying the outcome by socket error code.</summary>
internal sealed class TcpConnectProbe(TimeProvider time)
{
    public async Task<TcpObservation> ConnectAsync(EndPoint endpoint, TimeSpan timeout, CancellationToken stopping)
    {
        var (address, family) = Describe(endpoint);
        var started = time.GetTimestamp();
        if (endpoint is UnixDomainSocketEndPoint && !File.Exists(address))
        {
            return new(address, family, TcpConnectResult.Refused, TimeSpan.Zero, "no socket file");
        }

        using var socket = endpoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = Deadline.After(timeout, time, stopping);
        try
        {
            await socket.ConnectAsync(endpoint, deadline.Token).ConfigureAwait(false);
            var elapsed = time.GetElapsedTime(started);
            var local = (socket.LocalEndPoint as IPEndPoint)?.Address;
            // A graceful close: PostgreSQL logs nothing for a connection that sent no bytes and ended cleanly.
            socket.Shutdown(SocketShutdown.Both);
            return new(address, family, TcpConnectResult.Open, elapsed, null)
            {
                LocalAddress = local is null ? null : (local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local).ToString(),
            };
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return new(address, family, TcpConnectResult.Timeout, time.GetElapsedTime(started), $"no answer within {timeout.TotalSeconds:0.###}s");
        }
        catch (SocketException ex)
        {
            return new(address, family, SocketErrorClassifier.Classify(ex.SocketErrorCode), time.GetElapsedTime(started), ex.SocketErrorCode.ToString());
        }
    }

    private static (string Address, string Family) Describe(EndPoint endpoint) => endpoint switch
    {
        IPEndPoint ip => (ip.Address.ToString(), AddressFamilies.Of(ip.Address)),
        UnixDomainSocketEndPoint unix => (unix.ToString(), AddressFamilies.Unix),
        _ => (endpoint.ToString() ?? "?", "unknown"),
    };
}

using System.Net.Sockets;
using PgReachExporter.Observations;

namespace PgReachExporter.Classification;

/// <summary>Maps socket error codes (never message texts) to connect results.</summary>
internal static class SocketErrorClassifier
{
    public static TcpConnectResult Classify(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => TcpConnectResult.Refused,
        SocketError.TimedOut or SocketError.OperationAborted => TcpConnectResult.Timeout,
        // EHOSTUNREACH is also what an ICMP admin-prohibited reject produces; EACCES/EPERM come from a local firewall.
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown or SocketError.NetworkDown
            or SocketError.AccessDenied or SocketError.AddressNotAvailable => TcpConnectResult.Unreachable,
        SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => TcpConnectResult.DnsError,
        _ => TcpConnectResult.Error,
    };
}

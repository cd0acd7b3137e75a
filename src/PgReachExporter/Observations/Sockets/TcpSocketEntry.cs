using System.Net;

namespace PgReachExporter.Observations;

/// <summary>TCP states as the kernel numbers them in /proc/net/tcp (include/net/tcp_states.h).</summary>
internal enum TcpState : byte
{
    Unknown = 0x00,
    Established = 0x01,
    SynSent = 0x02,
    SynReceived = 0x03,
    FinWait1 = 0x04,
    FinWait2 = 0x05,
    TimeWait = 0x06,
    Close = 0x07,
    CloseWait = 0x08,
    LastAck = 0x09,
    Listen = 0x0A,
    Closing = 0x0B,
    NewSynReceived = 0x0C,
}

/// <summary>One row of /proc/net/tcp or /proc/net/tcp6, addresses decoded.</summary>
/// <param name="LocalAddress">As the kernel holds it: an IPv4-mapped IPv6 address stays mapped here.</param>
/// <param name="Inode">The socket's inode (0 for sockets no process holds, such as TIME_WAIT).</param>
internal sealed record TcpSocketEntry(
    IPAddress LocalAddress,
    int LocalPort,
    IPAddress RemoteAddress,
    int RemotePort,
    TcpState State,
    int Uid,
    long Inode);

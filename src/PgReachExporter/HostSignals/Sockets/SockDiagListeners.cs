using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Net;
using System.Runtime.InteropServices;
using PgReachExporter.Observations;

namespace PgReachExporter.HostSignals;

/// <summary>
/// Lists the LISTEN sockets of the agent's own network namespace through the kernel's sock_diag netlink interface (what
/// `ss` uses), which filters by state in the kernel: on a host with many connections this costs a fraction of reading
/// /proc/net/tcp, whose every row the kernel formats as text. Needs no privilege; where netlink is unavailable (not
/// Linux, a filtered system call) <see cref="TryScanAll"/> answers null and the caller reads /proc instead.
/// </summary>
internal static class SockDiagListeners
{
    private const int AfNetlink = 16;
    private const int SockRaw = 3;
    private const int SockCloexec = 0x80000;
    private const int NetlinkSockDiag = 4;
    private const int SolSocket = 1;
    private const int SoRcvTimeo = 20;
    private const ushort SockDiagByFamily = 20;
    private const ushort NlmFRequest = 0x1;
    private const ushort NlmFDump = 0x300;
    private const ushort NlmsgError = 2;
    private const ushort NlmsgDone = 3;
    private const byte IpProtoTcp = 6;
    private const int HeaderBytes = 16;
    private const int RequestBytes = 56;
    private const int MessageBytes = 72;
    private const int Ipv4 = 2;
    private const int Ipv6 = 10;

    /// <summary>Every LISTEN TCP socket, IPv4 first; null when netlink cannot be used here.</summary>
    public static ListenerScan? TryScanAll()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        int fd;
        try
        {
            fd = Native.Socket(AfNetlink, SockRaw | SockCloexec, NetlinkSockDiag);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        if (fd < 0)
        {
            return null;
        }

        try
        {
            // A bounded wait: the kernel answers at once, but nothing here may hang a probe loop.
            nint[] timeout = [1, 0];
            _ = Native.SetSocketOption(fd, SolSocket, SoRcvTimeo, timeout, nint.Size * 2);
            var listeners = new List<ListeningSocket>();
            return Dump(fd, Ipv4, listeners) && Dump(fd, Ipv6, listeners)
                ? new ListenerScan(listeners.ToImmutableArray(), [])
                : null;
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    private static bool Dump(int fd, byte family, List<ListeningSocket> listeners)
    {
        var request = new byte[HeaderBytes + RequestBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(request, (uint)request.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(request.AsSpan(4), SockDiagByFamily);
        BinaryPrimitives.WriteUInt16LittleEndian(request.AsSpan(6), NlmFRequest | NlmFDump);
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(8), family);
        request[HeaderBytes] = family;
        request[HeaderBytes + 1] = IpProtoTcp;
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(HeaderBytes + 4), 1u << (int)TcpState.Listen);
        if (Native.Send(fd, request, request.Length, 0) != request.Length)
        {
            return false;
        }

        var buffer = new byte[64 * 1024];
        while (true)
        {
            nint received = Native.Receive(fd, buffer, buffer.Length, 0);
            if (received <= 0)
            {
                return false;
            }

            int offset = 0;
            while (offset + HeaderBytes <= received)
            {
                uint length = ReadHostUInt32(buffer.AsSpan(offset));
                ushort type = ReadHostUInt16(buffer.AsSpan(offset + 4));
                if (length < HeaderBytes || offset + length > received)
                {
                    return false;
                }

                if (type == NlmsgDone)
                {
                    return true;
                }

                if (type == NlmsgError)
                {
                    return false;
                }

                if (type == SockDiagByFamily && length >= HeaderBytes + MessageBytes)
                {
                    listeners.Add(Parse(buffer.AsSpan(offset + HeaderBytes, MessageBytes)));
                }

                offset += (int)((length + 3) & ~3u);
            }
        }
    }

    // struct inet_diag_msg: family, state, timer, retrans, then inet_diag_sockid (ports and addresses in network
    // order), expires, rqueue, wqueue, uid, inode in host order.
    private static ListeningSocket Parse(ReadOnlySpan<byte> message)
    {
        byte family = message[0];
        int port = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var address = new IPAddress(family == Ipv4 ? message.Slice(8, 4) : message.Slice(8, 16));
        int uid = (int)ReadHostUInt32(message[64..]);
        long inode = ReadHostUInt32(message[68..]);
        return ListeningSocket.From(new TcpSocketEntry(address, port, IPAddress.Any, 0, TcpState.Listen, uid, inode));
    }

    private static uint ReadHostUInt32(ReadOnlySpan<byte> bytes) =>
        BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);

    private static ushort ReadHostUInt16(ReadOnlySpan<byte> bytes) =>
        BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(bytes) : BinaryPrimitives.ReadUInt16BigEndian(bytes);

    /// <summary>The libc calls netlink needs; every argument is blittable.</summary>
    private static class Native
    {
        [DllImport("libc.so.6", EntryPoint = "socket", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Socket(int domain, int type, int protocol);

        [DllImport("libc.so.6", EntryPoint = "setsockopt", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int SetSocketOption(int fd, int level, int name, nint[] value, int length);

        [DllImport("libc.so.6", EntryPoint = "send", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern nint Send(int fd, byte[] buffer, nint length, int flags);

        [DllImport("libc.so.6", EntryPoint = "recv", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern nint Receive(int fd, [Out] byte[] buffer, nint length, int flags);

        [DllImport("libc.so.6", EntryPoint = "close", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Close(int fd);
    }
}

using System.Net;

namespace PgReachExporter.Observations;

/// <summary>How a listening socket is bound; metric label values in <see cref="ListenerFamilyLabels"/>.</summary>
internal enum ListenerFamily
{
    /// <summary>An AF_INET socket (from /proc/net/tcp).</summary>
    IPv4,

    /// <summary>An AF_INET6 socket bound to an IPv6 address, including :: (from /proc/net/tcp6).</summary>
    IPv6,

    /// <summary>An AF_INET6 socket bound to an IPv4-mapped address (::ffff:a.b.c.d); it serves IPv4
    /// clients of a.b.c.d, so the address is reported in its IPv4 form.</summary>
    IPv4Mapped,
}

/// <summary>Metric label values of <see cref="ListenerFamily"/>.</summary>
internal static class ListenerFamilyLabels
{
    public static string ToLabel(this ListenerFamily family) => family switch
    {
        ListenerFamily.IPv4 => "ipv4",
        ListenerFamily.IPv6 => "ipv6",
        ListenerFamily.IPv4Mapped => "ipv4_mapped",
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, null),
    };
}

/// <summary>A socket in LISTEN state on the port of interest.</summary>
/// <param name="Address">The bound address; 0.0.0.0 and :: are the wildcards (all addresses of the family).</param>
/// <param name="Inode">Socket inode, used to find the owning process.</param>
/// <param name="Uid">Owner's user id as the kernel reports it.</param>
internal sealed record ListeningSocket(IPAddress Address, int Port, ListenerFamily Family, long Inode, int Uid)
{
    /// <summary>The address as a label value: "0.0.0.0", "::", "127.0.0.1", "::1", ...</summary>
    public string AddressLabel => Address.ToString();

    /// <summary>True for 0.0.0.0 and ::, which accept connections to every local address of the family.</summary>
    public bool IsWildcard => Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any);

    public static ListeningSocket From(TcpSocketEntry entry) =>
        entry.LocalAddress.IsIPv4MappedToIPv6
            ? new ListeningSocket(entry.LocalAddress.MapToIPv4(), entry.LocalPort, ListenerFamily.IPv4Mapped, entry.Inode, entry.Uid)
            : new ListeningSocket(
                entry.LocalAddress,
                entry.LocalPort,
                entry.LocalAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? ListenerFamily.IPv4 : ListenerFamily.IPv6,
                entry.Inode,
                entry.Uid);
}

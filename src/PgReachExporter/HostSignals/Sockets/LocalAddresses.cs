using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace PgReachExporter.HostSignals;

/// <summary>Decides whether an address is one of this machine's, i.e. whether its listener table is ours to read.</summary>
internal static class LocalAddresses
{
    /// <summary>True for loopback, the wildcards and every address of a local network interface.</summary>
    public static bool IsLocal(IPAddress address) => IsLocal(address, Current());

    /// <summary>The same decision against a given set of interface addresses.</summary>
    public static bool IsLocal(IPAddress address, IEnumerable<IPAddress> interfaceAddresses)
    {
        IPAddress normalized = Normalize(address);
        if (IPAddress.IsLoopback(normalized) || normalized.Equals(IPAddress.Any) || normalized.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        return interfaceAddresses.Any(candidate => Normalize(candidate).Equals(normalized));
    }

    /// <summary>Unicast addresses of all interfaces; empty if the platform will not tell.</summary>
    public static IReadOnlyList<IPAddress> Current()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
                .Select(unicast => unicast.Address)
                .ToList();
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }

    // Compare fe80::1%2 with fe80::1 and ::ffff:10.0.0.1 with 10.0.0.1.
    private static IPAddress Normalize(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0
            ? new IPAddress(address.GetAddressBytes())
            : address;
    }
}

using System.Net;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.HostSignals;

/// <summary>
/// Whether a target's listening-socket table is read: LocalListener decides when set, ListenerPid implies it, and
/// otherwise it is read when every address the host resolved to in the cycle is one of this machine's, so the table
/// describes the server that was probed. Interface addresses are listed at most every 30 s.
/// </summary>
internal sealed class ListenerTableRule(TimeProvider time, Func<IReadOnlyList<IPAddress>>? interfaceAddresses = null)
{
    private static readonly TimeSpan InterfaceAddressesMaxAge = TimeSpan.FromSeconds(30);

    private readonly Func<IReadOnlyList<IPAddress>> _listInterfaces = interfaceAddresses ?? LocalAddresses.Current;
    private readonly Lock _gate = new();
    private IReadOnlyList<IPAddress> _interfaces = [];
    private long? _listedAt;

    public bool Reads(TargetDefinition target, DnsObservation dns)
    {
        if (target.LocalListener is { } forced)
        {
            return forced;
        }

        if (target.ListenerPid is not null)
        {
            return true;
        }

        return !target.IsUnixSocket && dns.Resolved && dns.Addresses.All(IsLocal);
    }

    /// <summary>How the rule applies to a target, for the agent's own log.</summary>
    public static string Describe(TargetDefinition target) => target switch
    {
        { LocalListener: false } => "off",
        { ListenerPid: { } pid } => $"namespace of process {pid}",
        { LocalListener: true } => "on",
        _ => "when the host is local",
    };

    private bool IsLocal(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address) || LocalAddresses.IsLocal(address, Interfaces());

    private IReadOnlyList<IPAddress> Interfaces()
    {
        lock (_gate)
        {
            if (_listedAt is not { } listed || time.GetElapsedTime(listed) > InterfaceAddressesMaxAge)
            {
                _interfaces = _listInterfaces();
                _listedAt = time.GetTimestamp();
            }

            return _interfaces;
        }
    }
}

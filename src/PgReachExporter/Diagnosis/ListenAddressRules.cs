using System.Net;
using System.Net.Sockets;
using PgReachExporter.Observations;

namespace PgReachExporter.Diagnosis;

/// <summary>
/// What the server is configured to bind against what it bound: every address of the running listen_addresses that
/// has no socket on the server's port is reported, even while the probed address works (an IPv6 address the host
/// lacks, an address another process holds). The bound side is the socket table when the server is local, otherwise
/// the "listening on" lines of the current postmaster's start.
/// </summary>
internal static class ListenAddressRules
{
    public static void Apply(DiagnosisContext context, FindingSet found)
    {
        if (context.Server is not { ListenAddresses: { } setting } server || BoundSockets(context.Host) is not { } bound)
        {
            return;
        }

        // On another port than the target's, the socket table is not known to list what is bound (wrong_port says it).
        var port = server.Port ?? context.Target.Port;
        if (port != context.Target.Port)
        {
            return;
        }

        var onPort = bound.Sockets.Where(s => s.Port == port).ToList();
        var configured = $"server: listen_addresses = '{setting}', port = {port}";
        var boundFact = onPort.Count == 0
            ? $"{bound.Source}: nothing on port {port}"
            : $"{bound.Source}: {string.Join(", ", onPort.Select(s => s.ToString()))}";
        foreach (var address in Configured(setting))
        {
            if (onPort.Any(s => Binds(s, address)))
            {
                continue;
            }

            var missing = $"{Endpoint(address, port)} is not bound";
            var ipv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
            found.Add(ipv6 ? DiagnosisCause.Ipv6NotListening : DiagnosisCause.BindFailure, Severity.Warning, configured, missing, boundFact);
        }
    }

    /// <summary>The addresses PostgreSQL tries to bind for listen_addresses; host names other than localhost are left out (the engine resolves nothing).</summary>
    public static IEnumerable<IPAddress> Configured(string setting)
    {
        foreach (var entry in setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry == "*")
            {
                yield return IPAddress.Any;
                yield return IPAddress.IPv6Any;
            }
            else if (entry.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            {
                // As the usual hosts file resolves it: PostgreSQL then tries both, and ::1 fails where IPv6 is off.
                yield return IPAddress.Loopback;
                yield return IPAddress.IPv6Loopback;
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                yield return address;
            }
        }
    }

    private static (IReadOnlyList<HostSocket> Sockets, string Source)? BoundSockets(HostEvidence? host) => host switch
    {
        { SocketTable: { } table } => (table, "socket table"),
        { LogListening: { Length: > 0 } logged } => (logged, "server log at the last start: listening on"),
        _ => null,
    };

    private static bool Binds(HostSocket socket, IPAddress address) =>
        IPAddress.TryParse(socket.Address, out var bound) && (bound.Equals(address)
            || (bound.Equals(IPAddress.Any) && address.AddressFamily == AddressFamily.InterNetwork)
            || (bound.Equals(IPAddress.IPv6Any) && address.AddressFamily == AddressFamily.InterNetworkV6));

    private static string Endpoint(IPAddress address, int port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
}

using PgReachExporter.Observations;

namespace PgReachExporter.HostSignals;

/// <summary>
/// The listening sockets of each network namespace the targets need (the agent's own, read through sock_diag netlink
/// where it works, or that of a process, read from /proc/PID/net), shared by all targets: a table read after a cycle started serves every target whose cycle started before
/// it, so targets probed together cost one read. Owners are looked up once per socket (a full process scan
/// only when a new listening socket appears): those on the target's port, and those on every other port only while
/// nothing is on the target's port (to find PostgreSQL on a port other than expected). Sockets whose owner could not
/// be found are looked up again after <see cref="UnknownOwnerRetry"/>. Thread-safe.
/// </summary>
internal sealed class ListenerTables(string procRoot = ListenerTables.DefaultProcRoot, SocketOwnerResolver? owners = null, TimeProvider? time = null)
{
    public static readonly TimeSpan UnknownOwnerRetry = TimeSpan.FromMinutes(1);

    private const string DefaultProcRoot = "/proc";

    private readonly SocketOwnerResolver resolver = owners ?? new SocketOwnerResolver(procRoot);
    private readonly TimeProvider clock = time ?? TimeProvider.System;
    private readonly Lock gate = new();
    private readonly Dictionary<int, Namespace> namespaces = [];

    /// <summary>What listens on <paramref name="port"/>, from a table read no earlier than <paramref name="notBefore"/>.</summary>
    /// <param name="pid">Read the namespace of this process; null for the agent's own.</param>
    public ListenerObservation Inspect(int port, int? pid, DateTimeOffset notBefore)
    {
        Namespace space;
        lock (gate)
        {
            int key = pid ?? 0;
            if (!namespaces.TryGetValue(key, out space!))
            {
                // The agent's own namespace on the real /proc: netlink first, the text table where netlink fails.
                space = new Namespace(new ListeningSocketTable(procRoot, pid), useNetlink: pid is null && procRoot == DefaultProcRoot);
                namespaces[key] = space;
            }
        }

        return space.Inspect(port, notBefore, resolver, clock) with { ProcessNamespace = pid is not null };
    }

    /// <summary>Forgets the namespace of a process no target reads any more.</summary>
    public void Forget(int pid)
    {
        lock (gate)
        {
            namespaces.Remove(pid);
        }
    }

    private sealed class Namespace(ListeningSocketTable table, bool useNetlink)
    {
        private bool netlink = useNetlink;
        private readonly Lock gate = new();
        private readonly Dictionary<long, KnownOwner> owners = [];
        private ListenerScan? scan;
        private DateTimeOffset scannedAt;

        public ListenerObservation Inspect(int port, DateTimeOffset notBefore, SocketOwnerResolver resolver, TimeProvider clock)
        {
            lock (gate)
            {
                DateTimeOffset now = clock.GetUtcNow();
                if (scan is null || scannedAt < notBefore)
                {
                    scannedAt = now;
                    scan = Scan();
                    ForgetClosedSockets(scan);
                }

                List<ListeningSocket> onPort = scan.Listeners.Where(l => l.Port == port).ToList();
                // Owners of other ports' sockets matter only when nothing is on the port: is PostgreSQL elsewhere?
                ResolveOwners(onPort.Count > 0 ? onPort : scan.Listeners, resolver, now);
                var elsewhere = new List<ObservedListener>();
                foreach (ListeningSocket socket in scan.Listeners.Where(l => l.Port != port))
                {
                    if (owners.GetValueOrDefault(socket.Inode)?.Owner is { IsPostgres: true } owner)
                    {
                        elsewhere.Add(new ObservedListener(socket, owner));
                    }
                }

                return new ListenerObservation(port, [.. onPort.Select(l => new ObservedListener(l, owners.GetValueOrDefault(l.Inode)?.Owner))], scan.Errors)
                {
                    PostgresElsewhere = elsewhere,
                };
            }
        }

        private ListenerScan Scan()
        {
            if (netlink && SockDiagListeners.TryScanAll() is { } scanned)
            {
                return scanned;
            }

            netlink = false;
            return table.ScanAll();
        }

        private void ForgetClosedSockets(ListenerScan current)
        {
            var present = current.Listeners.Select(l => l.Inode).ToHashSet();
            foreach (long gone in owners.Keys.Where(i => !present.Contains(i)).ToList())
            {
                owners.Remove(gone);
            }
        }

        private void ResolveOwners(IEnumerable<ListeningSocket> sockets, SocketOwnerResolver resolver, DateTimeOffset now)
        {
            var wanted = sockets.Select(l => l.Inode)
                .Where(i => i > 0 && (!owners.TryGetValue(i, out KnownOwner? known) || (known.Owner is null && now - known.CheckedAt >= UnknownOwnerRetry)))
                .Distinct()
                .ToList();
            if (wanted.Count == 0)
            {
                return;
            }

            IReadOnlyDictionary<long, SocketOwner> found = resolver.Resolve(wanted);
            foreach (long inode in wanted)
            {
                owners[inode] = new KnownOwner(found.GetValueOrDefault(inode), now);
            }
        }
    }

    private sealed record KnownOwner(SocketOwner? Owner, DateTimeOffset CheckedAt);
}

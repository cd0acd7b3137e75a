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
    public ListenerObservation Inspect(int port, int? pid, DateTimeOffset notBefore) =>
        InspectAsync(port, pid, notBefore).GetAwaiter().GetResult();

    /// <summary>
    /// As <see cref="Inspect"/>, for the agent's cycles: a look that finds a read in progress that started late
    /// enough awaits that read instead of blocking a thread on it, and the look itself costs what the port holds.
    /// </summary>
    public async Task<ListenerObservation> InspectAsync(int port, int? pid, DateTimeOffset notBefore)
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

        return await space.InspectAsync(port, notBefore, resolver, clock).ConfigureAwait(false) with { ProcessNamespace = pid is not null };
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
        private Task<Snapshot>? reading;
        private DateTimeOffset readingStartedAt;

        public async Task<ListenerObservation> InspectAsync(int port, DateTimeOffset notBefore, SocketOwnerResolver resolver, TimeProvider clock)
        {
            Task<Snapshot> read;
            lock (gate)
            {
                if (reading is null || readingStartedAt < notBefore || reading.IsFaulted)
                {
                    readingStartedAt = clock.GetUtcNow();
                    reading = Task.Run(ReadTable);
                }

                read = reading;
            }

            Snapshot snapshot = await read.ConfigureAwait(false);
            lock (gate)
            {
                DateTimeOffset now = clock.GetUtcNow();
                ListeningSocket[] onPort = snapshot.OnPort(port);
                // Owners of other ports' sockets matter only when nothing is on the port: is PostgreSQL elsewhere?
                if (onPort.Length > 0)
                {
                    ResolveOwners(snapshot, onPort, resolver, now);
                }
                else if (snapshot.AllResolvedAt is not { } resolvedAt || now - resolvedAt >= UnknownOwnerRetry)
                {
                    ResolveOwners(snapshot, snapshot.Scan.Listeners, resolver, now);
                    snapshot.AllResolvedAt = now;
                }

                return new ListenerObservation(port, [.. onPort.Select(l => new ObservedListener(l, owners.GetValueOrDefault(l.Inode)?.Owner))], snapshot.Scan.Errors)
                {
                    PostgresElsewhere = [.. snapshot.Postgres.Where(l => l.Socket.Port != port)],
                };
            }
        }

        private Snapshot ReadTable()
        {
            ListenerScan scan = Scan();
            var snapshot = new Snapshot(scan);
            lock (gate)
            {
                ForgetClosedSockets(scan);
                snapshot.Postgres = PostgresAmong(scan.Listeners);
            }

            return snapshot;
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

        /// <summary>The listeners known to be PostgreSQL's, for the targets whose own port is empty.</summary>
        private List<ObservedListener> PostgresAmong(IEnumerable<ListeningSocket> sockets) =>
            [.. sockets.Select(s => (Socket: s, Owner: owners.GetValueOrDefault(s.Inode)?.Owner))
                .Where(s => s.Owner is { IsPostgres: true })
                .Select(s => new ObservedListener(s.Socket, s.Owner))];

        private void ResolveOwners(Snapshot snapshot, IEnumerable<ListeningSocket> sockets, SocketOwnerResolver resolver, DateTimeOffset now)
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

            // Owners were learnt: the PostgreSQL listeners of this read are looked for again, once.
            snapshot.Postgres = PostgresAmong(snapshot.Scan.Listeners);
        }
    }

    /// <summary>One read of a namespace's table, indexed by port, with what is known of its PostgreSQL listeners.</summary>
    private sealed class Snapshot(ListenerScan scan)
    {
        private readonly ILookup<int, ListeningSocket> byPort = scan.Listeners.ToLookup(l => l.Port);

        public ListenerScan Scan { get; } = scan;

        public List<ObservedListener> Postgres { get; set; } = [];

        /// <summary>When the owners of every listener of this read were last looked up (a target's port was empty).</summary>
        public DateTimeOffset? AllResolvedAt { get; set; }

        public ListeningSocket[] OnPort(int port) => [.. byPort[port]];
    }

    private sealed record KnownOwner(SocketOwner? Owner, DateTimeOffset CheckedAt);
}

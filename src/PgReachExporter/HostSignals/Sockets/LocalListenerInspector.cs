namespace PgReachExporter.HostSignals;

/// <summary>A listening socket and, where it could be found, the process holding it.</summary>
internal sealed record ObservedListener(ListeningSocket Socket, SocketOwner? Owner);

/// <summary>What listens on a port of this machine (or of a namespace the agent can see into).</summary>
/// <param name="Errors">Tables that could not be read; when non-empty an absent listener is not proven.</param>
internal sealed record ListenerObservation(int Port, IReadOnlyList<ObservedListener> Listeners, IReadOnlyList<string> Errors)
{
    public bool Present => Listeners.Count > 0;

    /// <summary>True when every table could be read, so the listeners are all there are.</summary>
    public bool Complete => Errors.Count == 0;

    /// <summary>PostgreSQL listeners on other ports of the same namespace (a server on an unexpected port), where known.</summary>
    public IReadOnlyList<ObservedListener> PostgresElsewhere { get; init; } = [];

    /// <summary>
    /// True when read from the namespace of a given process (a container's), which holds the one server; false for
    /// the agent's own namespace, where other PostgreSQL listeners may well be other servers of the same machine.
    /// </summary>
    public bool ProcessNamespace { get; init; }
}

/// <summary>Combines the socket table and the owner lookup for one port.</summary>
internal sealed class LocalListenerInspector(ListeningSocketTable table, SocketOwnerResolver? owners)
{
    /// <summary>Reads the tables of the agent's own namespace and resolves owners through /proc.</summary>
    public LocalListenerInspector()
        : this(new ListeningSocketTable(), new SocketOwnerResolver())
    {
    }

    public ListenerObservation Inspect(int port)
    {
        ListenerScan scan = table.Scan(port);
        IReadOnlyDictionary<long, SocketOwner> found = owners is null || !scan.Present
            ? new Dictionary<long, SocketOwner>()
            : owners.Resolve(scan.Listeners.Select(l => l.Inode).ToList());
        List<ObservedListener> listeners = scan.Listeners
            .Select(l => new ObservedListener(l, found.GetValueOrDefault(l.Inode)))
            .ToList();
        return new ListenerObservation(port, listeners, scan.Errors);
    }
}

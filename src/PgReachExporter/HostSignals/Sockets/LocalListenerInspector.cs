using PgReachExporter.Observations;

namespace PgReachExporter.HostSignals;

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

namespace PgReachExporter.Observations;

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

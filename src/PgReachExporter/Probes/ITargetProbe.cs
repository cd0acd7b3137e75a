using System.Collections.Immutable;
using System.Net.Sockets;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes;

/// <summary>What the transport step of a cycle found, handed to every registered probe: it dials these, never resolves again.</summary>
internal sealed record TransportSeen(DnsObservation Dns, ImmutableArray<TcpObservation> Tcp)
{
    /// <summary>The first address that accepted TCP this cycle, if any.</summary>
    public TcpObservation? FirstOpen => Tcp.FirstOrDefault(t => t.Result == TcpConnectResult.Open);

    /// <summary>
    /// The TCP probe's own connection to <see cref="FirstOpen"/>, kept open for one probe of the cycle to go on over
    /// instead of dialling again; null when nothing accepted or no registered probe asks for it.
    /// </summary>
    public HeldConnection? Held { get; init; }
}

/// <summary>
/// A connected socket the transport step kept for the cycle's probes: the first to <see cref="Take"/> it owns it. The
/// session disposes what no probe took, with the TCP probe's graceful close.
/// </summary>
internal sealed class HeldConnection(Socket socket) : IDisposable
{
    private Socket? _socket = socket;

    /// <summary>The socket, once; null when another probe has taken it.</summary>
    public Socket? Take() => Interlocked.Exchange(ref _socket, null);

    public void Dispose() => TcpConnectProbe.CloseQuietly(Take());
}

/// <summary>
/// A probe of a target beyond DNS, TCP and login (those three are the cycle itself). It runs once per cycle after the
/// transport step and alongside the login, within the target's connect timeout, is never retried, and reports an
/// expected failure as its observation, never by throwing. Registered in <see cref="ProbeRegistry"/>.
/// </summary>
internal interface ITargetProbe : IAsyncDisposable
{
    /// <summary>The probe's name: the <c>probe</c> of its outcome and of the pipeline's failure log.</summary>
    string Name { get; }

    Task<IProbeOutcome> RunAsync(TransportSeen transport, CancellationToken stopping);
}

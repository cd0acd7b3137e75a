using System.Collections.Immutable;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes;

/// <summary>What the transport step of a cycle found, handed to every registered probe: it dials these, never resolves again.</summary>
internal sealed record TransportSeen(DnsObservation Dns, ImmutableArray<TcpObservation> Tcp)
{
    /// <summary>The first address that accepted TCP this cycle, if any.</summary>
    public TcpObservation? FirstOpen => Tcp.FirstOrDefault(t => t.Result == TcpConnectResult.Open);
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

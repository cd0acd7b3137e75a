using PgReachExporter.Configuration;

namespace PgReachExporter.Probes;

/// <summary>
/// Every probe of a target beyond DNS, TCP and login. A new probe is one file (a class implementing
/// <see cref="ITargetProbe"/> that returns a <c>ProbeOutcome&lt;T&gt;</c> of its observation record from
/// <c>Observations/</c>) and one line here; it then runs every cycle after the transport step and alongside the login,
/// and its observation is in the cycle (<c>TargetCycle.Find&lt;T&gt;()</c>) for the evidence mapper, the rules and the
/// metrics writer to read.
/// </summary>
internal static class ProbeRegistry
{
    /// <summary>The probes of one target; fresh instances owned by the target's probe session.</summary>
    public static IReadOnlyList<ITargetProbe> For(TargetDefinition target, TimeProvider time) =>
    [
        .. TlsProbe.AppliesTo(target) ? [new TlsProbe(target, time)] : (ITargetProbe[])[],
    ];
}

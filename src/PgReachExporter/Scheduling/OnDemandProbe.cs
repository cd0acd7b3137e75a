using Microsoft.Extensions.Logging;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.Scheduling;

/// <summary>
/// One /probe request's cycle: the host is resolved first, a module's target is checked against its allowlist (the
/// name, then every address it resolved to) before any packet goes to it, and then the very pipeline of a scheduled
/// cycle runs once on exactly the checked addresses, within the request's budget. Never retried.
/// </summary>
internal sealed class OnDemandProbe(
    HostSignalScheduler host,
    ServerEvidenceStore server,
    PipelineHealth health,
    TimeProvider time,
    ILogger<TargetPipeline> logger)
{
    // Below this a TCP handshake cannot complete; a budget spent on resolution still gets a (failing) attempt.
    private static readonly TimeSpan MinimumProbeTime = TimeSpan.FromMilliseconds(10);

    /// <param name="target">The configured target, or the module's target for HOST:PORT.</param>
    /// <param name="configured">True when <paramref name="target"/> is one of the agent's configured targets.</param>
    /// <param name="allow">The module's allowlist; null for a configured target (its operator chose it).</param>
    /// <param name="budget">The whole request's time from <paramref name="arrived"/>: resolution, probes and verdict.</param>
    /// <param name="arrived">When the request arrived (a <see cref="TimeProvider"/> timestamp): time spent before counts against the budget.</param>
    /// <param name="outputs">The request's own outputs, in order.</param>
    public async Task<OnDemandOutcome> RunAsync(
        TargetDefinition target, bool configured, ProbeAllowlist? allow, TimeSpan budget, long arrived, IReadOnlyList<NamedOutput> outputs, CancellationToken aborted)
    {
        var started = arrived;
        var literal = System.Net.IPAddress.TryParse(target.Host, out _);
        if (allow is not null && !literal && !allow.PermitsName(target.Host))
        {
            return OnDemandOutcome.Denied($"the host name {target.Host} matches no name pattern of the module's Allow list");
        }

        // A configured Unix socket has nothing to resolve; a module's target never is one (ProbeModule.ToTarget).
        var dns = target.IsUnixSocket ? null : await new DnsProbe(time).ResolveAsync(target.Host, Remaining(budget, started), aborted).ConfigureAwait(false);
        if (allow is not null && dns is not null && dns.Addresses.FirstOrDefault(a => !allow.Permits(a)) is { } outside)
        {
            return OnDemandOutcome.Denied(literal
                ? $"the address {outside} is outside the module's Allow list"
                : $"{target.Host} resolves to {outside}, which is outside the module's Allow list");
        }

        var probed = target with { ConnectTimeout = Remaining(budget, started) };
        var pipeline = new TargetPipeline(
            new OnDemandEvidence(configured ? target : null, host, server),
            new OnDemandEvidence(configured ? target : null, host, server),
            outputs, health, logger);
        pipeline.TargetAdded(probed);
        var session = new TargetProbeSession(probed, time, dns);
        await using (session.ConfigureAwait(false))
        {
            var record = await pipeline.RunCycleAsync(probed, session, aborted).ConfigureAwait(false);
            return OnDemandOutcome.Completed(record, time.GetElapsedTime(started));
        }
    }

    private TimeSpan Remaining(TimeSpan budget, long started)
    {
        var remaining = budget - time.GetElapsedTime(started);
        return remaining > MinimumProbeTime ? remaining : MinimumProbeTime;
    }
}

/// <summary>What a /probe request came to: refused by the allowlist (nothing was dialled), or a cycle (null when its probes failed unexpectedly).</summary>
internal sealed record OnDemandOutcome(string? DeniedBecause, CycleRecord? Record, TimeSpan Duration)
{
    public static OnDemandOutcome Denied(string reason) => new(reason, null, TimeSpan.Zero);

    public static OnDemandOutcome Completed(CycleRecord? record, TimeSpan duration) => new(null, record, duration);
}

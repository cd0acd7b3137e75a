using PgReachExporter.Configuration;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>
/// Runs one cycle of server-side checks for a target over its monitoring session, one query after the other on the
/// one connection, and judges the expected clients. The caller owns the schedule and the session.
/// </summary>
internal sealed class ServerViewProbe(TargetDefinition target, MonitoringSession session, TimeProvider time)
{
    private readonly IReadOnlyList<IServerCheck> _checks = ServerCheckRegistry.For(target, time);
    private readonly HbaRulesInForce _inForce = new();

    public async Task<ServerView> RunAsync(CancellationToken stopping)
    {
        var collectedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        if (!session.IsConnected)
        {
            return ServerView.Disconnected(target.Name, collectedAt, time.GetElapsedTime(started), session.Problem);
        }

        var runs = new List<ServerCheckRun>(_checks.Count);
        foreach (var check in _checks)
        {
            runs.Add(new ServerCheckRun(check.Name, await check.RunAsync(session, stopping).ConfigureAwait(false)));
        }

        if (!session.IsConnected)
        {
            // Lost during the cycle: what was read may be partial, so report the connection as down.
            return ServerView.Disconnected(target.Name, collectedAt, time.GetElapsedTime(started), session.Problem);
        }

        var view = new ServerView
        {
            Target = target.Name,
            CollectedAt = collectedAt,
            Duration = time.GetElapsedTime(started),
            Connected = true,
            Runs = [.. runs],
        };
        var sides = _inForce.Observe(view.HbaRules?.Value, view.HbaReload?.Value, collectedAt);
        var (inForce, afterReload) = HbaEvaluation.EvaluateSides(target.ExpectedClients, view.HbaRules?.Value, sides, view.Roles?.Value);
        return view with { Hba = inForce, HbaAfterReload = afterReload, HbaPending = sides.Pending, HbaRulesInForce = sides.InForce };
    }
}

using PgReachExporter.Configuration;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>
/// Runs one cycle of server-side checks for a target over its monitoring session, one query after the other on the
/// one connection, and judges the expected clients. The caller owns the schedule and the session.
/// </summary>
internal sealed class ServerViewProbe(TargetDefinition target, MonitoringSession session, TimeProvider time)
{
    private readonly RemoteLogCheck? _log = target.Monitoring?.ReadServerLog == true ? new RemoteLogCheck() : null;

    public async Task<ServerView> RunAsync(CancellationToken stopping)
    {
        var collectedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        if (!session.IsConnected)
        {
            return ServerView.Disconnected(target.Name, collectedAt, time.GetElapsedTime(started), session.Problem);
        }

        var settings = await SettingsCheck.RunAsync(session, stopping).ConfigureAwait(false);
        var identity = await IdentityCheck.RunAsync(session, stopping).ConfigureAwait(false);
        var rules = await HbaRulesCheck.RunAsync(session, stopping).ConfigureAwait(false);
        var reload = await HbaReloadCheck.RunAsync(session, stopping).ConfigureAwait(false);
        var connections = await ConnectionsCheck.RunAsync(session, stopping).ConfigureAwait(false);
        var roles = await RolesCheck.RunAsync(session, stopping).ConfigureAwait(false);
        var log = _log is null ? null : await _log.RunAsync(session, stopping).ConfigureAwait(false);
        if (!session.IsConnected)
        {
            // Lost during the cycle: what was read may be partial, so report the connection as down.
            return ServerView.Disconnected(target.Name, collectedAt, time.GetElapsedTime(started), session.Problem);
        }

        return new ServerView
        {
            Target = target.Name,
            CollectedAt = collectedAt,
            Duration = time.GetElapsedTime(started),
            Connected = true,
            Settings = settings,
            Identity = identity,
            HbaRules = rules,
            HbaReload = reload,
            Connections = connections,
            Roles = roles,
            Log = log,
            Hba = HbaEvaluation.Evaluate(target.ExpectedClients, rules.Value, roles.Value),
        };
    }
}

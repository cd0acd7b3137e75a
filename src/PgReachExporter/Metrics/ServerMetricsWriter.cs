using System.Globalization;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;
using PgReachExporter.Probes.ServerChecks;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Metrics;

/// <summary>
/// Writes each server view into the server-side families. A check that fails takes its series away (the check result
/// says why); a monitoring connection that is down leaves only pgreach_monitoring_up 0, so no stale value is shown.
/// </summary>
internal sealed class ServerMetricsWriter(ReachMetrics metrics) : IServerViewSink
{
    public const int MaxHbaErrorSeries = 20;

    public void TargetAdded(TargetDefinition target) => metrics.MonitoringUp.WithLabels(target.Name).Set(0);

    public void ViewCompleted(TargetDefinition target, ServerView view)
    {
        var name = target.Name;
        if (!view.Connected)
        {
            metrics.RemoveServerSeries(name);
            metrics.MonitoringUp.WithLabels(name).Set(0);
            return;
        }

        metrics.MonitoringUp.WithLabels(name).Set(1);
        WriteSettings(name, view.Settings?.Value);
        WriteIdentity(name, view.Identity?.Value, view.Settings?.Value);
        WriteHbaRules(name, view.HbaRules?.Value, view.Settings?.Value);
        WriteHbaReload(name, view.HbaReload?.Value);
        WriteConnections(name, view.Connections?.Value);
        SetOrRemove(metrics.TlsCertificateFileExpiry, name, view.CertificateFile?.Value?.EarliestExpiry?.ToUnixTimeSeconds());
        WriteClients(name, view.Hba);
        WriteClientsAfterReload(name, view.HbaAfterReload);

        // Last, so a scrape that shows a target's first check results also shows everything that view read.
        metrics.ServerChecksDuration.WithLabels(name).Set(view.Duration.TotalSeconds);
        foreach (var (check, result, _) in view.CheckResults)
        {
            metrics.ServerCheckResult.Set(result, name, check);
        }
    }

    public void TargetRemoved(string target) => metrics.RemoveServerSeries(target);

    private void WriteSettings(string name, ServerSettings? settings)
    {
        if (settings is null)
        {
            metrics.SettingPendingRestart.RemoveTarget(name);
            Remove(name, metrics.MaxConnections, metrics.SuperuserReservedConnections, metrics.ReservedConnections, metrics.ServerPort);
            return;
        }

        // The watched settings always have a series (0 or 1); any other setting only while it is pending.
        var shown = settings.Values.Keys.Concat(settings.PendingRestart).ToHashSet(StringComparer.Ordinal);
        metrics.SettingPendingRestart.RemoveWhere(name, l => !shown.Contains(l[1]));
        foreach (var setting in shown)
        {
            metrics.SettingPendingRestart.WithLabels(name, setting).Set(settings.IsPendingRestart(setting) ? 1 : 0);
        }

        SetOrRemove(metrics.MaxConnections, name, settings.MaxConnections);
        SetOrRemove(metrics.ServerPort, name, settings.Port);
        SetOrRemove(metrics.SuperuserReservedConnections, name, settings.SuperuserReservedConnections);
        SetOrRemove(metrics.ReservedConnections, name, settings.ReservedConnections);
    }

    private void WriteIdentity(string name, ServerIdentity? identity, ServerSettings? settings)
    {
        if (identity is null)
        {
            metrics.ServerInfo.RemoveTarget(name);
            Remove(name, metrics.PostmasterStartTime, metrics.ConfigLoadTime);
            return;
        }

        string[] labels =
        [
            name, identity.Version, identity.ServerAddress ?? "",
            // Over a Unix socket inet_server_port() is null; the port setting is the port the server listens on.
            (identity.ServerPort ?? settings?.Port)?.ToString(CultureInfo.InvariantCulture) ?? "", identity.SystemIdentifier ?? "", settings?.ListenAddresses ?? "",
        ];
        metrics.ServerInfo.RemoveWhere(name, l => !l.AsSpan().SequenceEqual(labels));
        metrics.ServerInfo.WithLabels(labels).Set(1);
        metrics.PostmasterStartTime.WithLabels(name).Set(identity.PostmasterStartTime.ToUnixTimeMilliseconds() / 1000.0);
        metrics.ConfigLoadTime.WithLabels(name).Set(identity.ConfigLoadTime.ToUnixTimeMilliseconds() / 1000.0);
    }

    private void WriteHbaRules(string name, HbaFileRules? rules, ServerSettings? settings)
    {
        if (rules is null)
        {
            metrics.HbaRuleErrorInfo.RemoveTarget(name);
            Remove(name, metrics.HbaRules, metrics.HbaRuleErrors, metrics.HbaFileLoadable, metrics.HbaShadowedRules);
            return;
        }

        var errors = rules.ErrorRows;
        metrics.HbaRules.WithLabels(name).Set(rules.UsableCount);
        metrics.HbaRuleErrors.WithLabels(name).Set(errors.Length);
        metrics.HbaFileLoadable.WithLabels(name).Set(rules.Loadable ? 1 : 0);

        // PostgreSQL 15 has no file_name column: its rows are all in the main hba file.
        var current = errors.Take(MaxHbaErrorSeries)
            .Select(e => (File: e.FileName ?? settings?.HbaFile ?? "", Line: e.LineNumber.ToString(CultureInfo.InvariantCulture)))
            .ToHashSet();
        metrics.HbaRuleErrorInfo.RemoveWhere(name, l => !current.Contains((l[1], l[2])));
        foreach (var (file, line) in current)
        {
            metrics.HbaRuleErrorInfo.WithLabels(name, file, line).Set(1);
        }
    }

    private void WriteHbaReload(string name, HbaReloadState? reload)
    {
        if (reload is null)
        {
            Remove(name, metrics.HbaReloadPending);
            return;
        }

        metrics.HbaReloadPending.WithLabels(name).Set(reload.ReloadPending ? 1 : 0);
    }

    private void WriteConnections(string name, ConnectionCounts? connections)
    {
        if (connections is null)
        {
            metrics.Connections.RemoveTarget(name);
            return;
        }

        foreach (var state in BackendStates.All)
        {
            metrics.Connections.WithLabels(name, state.Label()).Set(connections[state]);
        }
    }

    private void WriteClients(string name, HbaView? hba)
    {
        if (hba is null)
        {
            return;
        }

        foreach (var client in hba.Clients)
        {
            metrics.HbaClientAllowed.WithLabels(name, client.ClientName).Set(client.AllowedValue);
            metrics.HbaClientMatchedLine.WithLabels(name, client.ClientName).Set(client.MatchedLine);
        }

        if (hba.ShadowedRules is { } shadowed)
        {
            metrics.HbaShadowedRules.WithLabels(name).Set(shadowed.Count);
        }
        else
        {
            Remove(name, metrics.HbaShadowedRules);
        }
    }

    private void WriteClientsAfterReload(string name, HbaView? hba)
    {
        foreach (var client in hba?.Clients ?? [])
        {
            metrics.HbaClientAllowedAfterReload.WithLabels(name, client.ClientName).Set(client.AllowedValue);
        }
    }

    private static void SetOrRemove(Prometheus.Gauge family, string name, long? value)
    {
        if (value is { } v)
        {
            family.WithLabels(name).Set(v);
        }
        else
        {
            family.RemoveLabelled(name);
        }
    }

    private static void Remove(string name, params Prometheus.Gauge[] families)
    {
        foreach (var family in families)
        {
            family.RemoveLabelled(name);
        }
    }
}

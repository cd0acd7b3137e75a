using System.Collections.Immutable;
using PgReachExporter.Hba;
using PgReachExporter.Observations;

namespace PgReachExporter.Diagnosis;

/// <summary>Turns a server view into the <see cref="ServerEvidence"/> the engine reads.</summary>
internal static class ServerEvidenceMapper
{
    /// <summary>What the diagnosis may conclude from a view: null when the monitoring connection is down.</summary>
    public static ServerEvidence? ToEvidence(ServerView view)
    {
        if (!view.Connected)
        {
            return null;
        }

        var settings = view.Settings?.Value;
        var identity = view.Identity?.Value;
        var rules = view.HbaRules?.Value;
        var connections = view.Connections?.Value;
        return new ServerEvidence
        {
            CollectedAt = view.CollectedAt,
            ListenAddresses = settings?.ListenAddresses,
            Ssl = settings?.Ssl,
            HbaInForce = view.HbaRulesInForce is { } inForce
                ? new HbaJudge(HbaRuleSet.Compile(inForce.Rows), view.Roles?.Value is { } roles ? RoleMembership.FromGrants(roles.Roles, roles.Grants) : null)
                : null,
            SslMinProtocolVersion = settings?.SslMinProtocolVersion,
            SslMaxProtocolVersion = settings?.SslMaxProtocolVersion,
            CertificateFile = view.CertificateFile?.Value,
            Port = settings?.Port ?? identity?.ServerPort,
            PendingRestartSettings = settings?.PendingRestart ?? [],
            HbaRuleErrors = rules is null ? [] : [.. rules.ErrorRows.Select(r => new HbaRuleError(r.FileName, r.LineNumber, r.Error!))],
            HbaFileLoadable = rules?.Loadable,
            HbaReloadPending = view.HbaReload?.Value?.ReloadPending,
            ExpectedClientDecisions = Decisions(view.Hba, settings?.HbaFile),
            HbaReload = ReloadEffect(view, rules, settings?.HbaFile),
            ListenAddressesAfterRestart = AfterRestart(settings, view.FileSettings?.Value?.ListenAddresses, ServerSettings.ListenAddressesName),
            PortAfterRestart = AfterRestart(settings, view.FileSettings?.Value?.Port, ServerSettings.PortName),
            AfterRestartProblem = view.FileSettings is { Succeeded: false } failed ? $"{CheckName<FileSettings>(view)}: {failed.Result.Label()} ({failed.Problem})" : null,
            ClientConnections = connections?.Total,
            MaxConnections = settings?.MaxConnections,
            ReservedConnections = settings?.SuperuserReservedConnections is { } superuser ? superuser + (settings.ReservedConnections ?? 0) : null,
            VersionMajor = identity?.Major,
            SystemIdentifier = identity?.SystemIdentifier,
            InRecovery = identity?.InRecovery,
            PostmasterStartTime = identity?.PostmasterStartTime,
        };
    }

    private static string? CheckName<T>(ServerView view)
        where T : class => view.Runs.FirstOrDefault(r => r.Outcome is CheckOutcome<T>)?.Check;

    private static FileSetting? AfterRestart(ServerSettings? settings, FileSetting? file, string name) =>
        settings is not null && settings.IsPendingRestart(name) ? file : null;

    private static HbaReloadEffect? ReloadEffect(ServerView view, HbaFileRules? rules, string? mainFile)
    {
        if (view.HbaPending is not { } pending || rules is null)
        {
            return null;
        }

        var inForce = view.Hba?.Clients ?? [];
        var after = view.HbaAfterReload?.Clients ?? [];
        var clients = inForce.Select(now => (Now: now, After: after.FirstOrDefault(a => a.ClientName == now.ClientName)))
            .Where(pair => pair.After is not null)
            .Select(pair => new ExpectedClientChange(Name(pair.Now, pair.After!), Decision(pair.Now, mainFile), Decision(pair.After!, mainFile)));
        return new HbaReloadEffect(
            pending.ReloadPending,
            pending.WouldFail,
            [.. rules.ErrorRows.Where(r => r.Type is null).Select(r => new HbaRuleError(r.FileName, r.LineNumber, r.Error!))],
            pending.InForceReadAt,
            [.. clients]);
    }

    private static string Name(ExpectedClientResult now, ExpectedClientResult after) =>
        (now.Decision ?? after.Decision) is { } decision ? $"client {now.ClientName} ({decision.Client.Describe()})" : $"client {now.ClientName}";

    private static ExpectedClientDecision Decision(ExpectedClientResult result, string? mainFile) => result.Decision is { } decision
        ? Decision(result, decision, mainFile)
        : new ExpectedClientDecision($"client {result.ClientName}", ExpectedClientOutcome.Unknown);

    private static ImmutableArray<ExpectedClientDecision> Decisions(HbaView? hba, string? mainFile) => hba is null
        ? []
        : [.. hba.Clients.Where(c => c.Decision is not null).Select(c => Decision(c, c.Decision!, mainFile))];

    private static ExpectedClientDecision Decision(ExpectedClientResult result, HbaDecision decision, string? mainFile)
    {
        var client = $"client {result.ClientName} ({decision.Client.Describe()})";
        var outcome = decision.Outcome switch
        {
            HbaOutcome.Allowed => ExpectedClientOutcome.Allowed,
            HbaOutcome.Rejected => ExpectedClientOutcome.Rejected,
            HbaOutcome.NoMatch => ExpectedClientOutcome.NoMatch,
            _ => ExpectedClientOutcome.Unknown,
        };
        return new ExpectedClientDecision(client, outcome, Reference(decision.MatchedRule, mainFile), Reference(result.LaterAllowingRule, mainFile));
    }

    private static HbaLineReference? Reference(HbaRule? rule, string? mainFile) => rule is null
        ? null
        : new HbaLineReference(rule.LineNumber, rule.Describe(),
            rule.FileName is { } file && !string.Equals(file, mainFile, StringComparison.Ordinal) ? file : null);
}

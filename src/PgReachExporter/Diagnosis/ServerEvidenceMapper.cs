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
            SslMinProtocolVersion = settings?.SslMinProtocolVersion,
            SslMaxProtocolVersion = settings?.SslMaxProtocolVersion,
            Port = settings?.Port ?? identity?.ServerPort,
            PendingRestartSettings = settings?.PendingRestart ?? [],
            HbaRuleErrors = rules is null ? [] : [.. rules.ErrorRows.Select(r => new HbaRuleError(r.FileName, r.LineNumber, r.Error!))],
            HbaFileLoadable = rules?.Loadable,
            HbaReloadPending = view.HbaReload?.Value?.ReloadPending,
            ExpectedClientDecisions = Decisions(view.Hba, settings?.HbaFile),
            ClientConnections = connections?.Total,
            MaxConnections = settings?.MaxConnections,
            ReservedConnections = settings?.SuperuserReservedConnections is { } superuser ? superuser + (settings.ReservedConnections ?? 0) : null,
            VersionMajor = identity?.Major,
            SystemIdentifier = identity?.SystemIdentifier,
            InRecovery = identity?.InRecovery,
            PostmasterStartTime = identity?.PostmasterStartTime,
        };
    }

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

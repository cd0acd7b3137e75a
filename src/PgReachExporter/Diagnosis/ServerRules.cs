using System.Globalization;

namespace PgReachExporter.Diagnosis;

/// <summary>What the server says about itself: hba decisions and errors, pending reloads and restarts, slots, identity.</summary>
internal static class ServerRules
{
    private const int MaxListed = 5;

    public static void Apply(DiagnosisContext context, FindingSet found)
    {
        if (context.Server is not { } server)
        {
            return;
        }

        ApplyHba(server, found);
        ApplyPendingRestart(context, server, found);
        ApplyConnections(context, server, found);
        ApplyIdentity(context, server, found);
    }

    private static void ApplyHba(ServerEvidence server, FindingSet found)
    {
        foreach (var decision in server.ExpectedClientDecisions)
        {
            if (decision.IsShadowed)
            {
                found.Add(DiagnosisCause.HbaRuleShadowed, Severity.Critical,
                    $"{decision.MatchedLine} blocks {decision.Client} before {decision.LaterAllowingLine} would allow it");
            }
            else if (decision.Outcome == ExpectedClientOutcome.Rejected)
            {
                found.Add(DiagnosisCause.HbaReject, Severity.Critical,
                    $"{decision.MatchedLine?.ToString() ?? "a pg_hba.conf line"} rejects {decision.Client}");
            }
            else if (decision.Outcome == ExpectedClientOutcome.NoMatch)
            {
                found.Add(DiagnosisCause.HbaNoEntry, Severity.Critical, $"no pg_hba.conf line matches {decision.Client}");
            }
        }

        if (!server.HbaRuleErrors.IsEmpty || server.HbaFileLoadable == false)
        {
            var errors = server.HbaRuleErrors;
            var evidence = errors.Take(MaxListed)
                .Select(e => $"{(e.File is null ? "pg_hba.conf" : e.File)} line {e.Line}: {e.Error}")
                .ToList();
            if (errors.Length > MaxListed)
            {
                evidence.Add($"and {errors.Length - MaxListed} more lines with errors");
            }

            if (server.HbaFileLoadable == false)
            {
                evidence.Add("server: the hba file on disk would not load; the previous rules stay in force");
            }

            found.Add(DiagnosisCause.HbaSyntaxErrors, Severity.Warning, evidence);
        }

        if (server.HbaReloadPending == true)
        {
            found.Add(DiagnosisCause.HbaReloadPending, Severity.Warning, "server: pg_hba.conf changed after the last configuration reload");
        }
    }

    private static void ApplyPendingRestart(DiagnosisContext context, ServerEvidence server, FindingSet found)
    {
        var pending = server.PendingRestartSettings
            .Where(s => s.Equals("listen_addresses", StringComparison.OrdinalIgnoreCase) || s.Equals("port", StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (pending.Count > 0)
        {
            // The fix for a failing listener may already be written and only wait for the restart.
            var severity = context.AnyTcpOpen ? Severity.Warning : Severity.Critical;
            found.Add(DiagnosisCause.ListenAddressesPendingRestart, severity,
                $"server: {string.Join(" and ", pending)} changed, pending restart (running listen_addresses = '{server.ListenAddresses ?? "?"}', port = {server.Port?.ToString(CultureInfo.InvariantCulture) ?? "?"})");
        }
    }

    private static void ApplyConnections(DiagnosisContext context, ServerEvidence server, FindingSet found)
    {
        if (server.ClientConnections is not { } used || server.MaxConnections is not { } max)
        {
            return;
        }

        var usable = max - (server.ReservedConnections ?? 0);
        if (usable <= 0)
        {
            return;
        }

        var share = used / (double)usable;
        if (share >= context.Expectations.SaturationThreshold)
        {
            found.Add(DiagnosisCause.ConnectionSaturation, used >= usable ? Severity.Critical : Severity.Warning,
                $"server: {used} of {usable} usable connection slots in use ({share.ToString("0%", CultureInfo.InvariantCulture)}; max_connections = {max}, reserved = {server.ReservedConnections ?? 0}), threshold {context.Expectations.SaturationThreshold.ToString("0%", CultureInfo.InvariantCulture)}");
        }
    }

    private static void ApplyIdentity(DiagnosisContext context, ServerEvidence server, FindingSet found)
    {
        var expected = context.Expectations;
        if (expected.SystemIdentifier is { } id && server.SystemIdentifier is { } actual && !string.Equals(id, actual, StringComparison.Ordinal))
        {
            found.Add(DiagnosisCause.WrongInstance, Severity.Critical, $"server: system identifier {actual}, expected {id}");
        }

        if (expected.VersionMajor is { } major && server.VersionMajor is { } version && version != major)
        {
            found.Add(DiagnosisCause.WrongInstance, Severity.Critical, $"server: PostgreSQL {version}, expected {major}");
        }
    }
}

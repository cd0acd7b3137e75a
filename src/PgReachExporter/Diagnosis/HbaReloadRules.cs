namespace PgReachExporter.Diagnosis;

/// <summary>
/// What a pending pg_hba.conf edit would do when reloaded, said before it is: each expected client under the rules in
/// force against the rules the reload would leave in force, and a file on disk the server would refuse to load.
/// </summary>
internal static class HbaReloadRules
{
    private const int MaxListed = 5;

    public static void Apply(DiagnosisContext context, FindingSet found)
    {
        // Said before a reload only: once one was tried and failed, hba_syntax_errors tells the rest.
        if (context.Server?.HbaReload is not { ReloadPending: true } reload)
        {
            return;
        }

        if (reload.WouldFail)
        {
            var evidence = reload.FailingLines.Take(MaxListed).Select(e => $"{e.File ?? "pg_hba.conf"} line {e.Line}: {e.Error}").ToList();
            if (reload.FailingLines.Length > MaxListed)
            {
                evidence.Add($"and {reload.FailingLines.Length - MaxListed} more lines the server cannot parse");
            }

            evidence.Add("server: a reload would log \"pg_hba.conf was not reloaded\" and keep the rules in force");
            found.Add(DiagnosisCause.HbaReloadWouldFail, Severity.Warning, evidence);
        }

        if (!reload.InForceKnown)
        {
            // Said, not guessed: what the server enforces was never read while the file matched it.
            found.Add(DiagnosisCause.HbaReloadPending, Severity.Warning,
                [
                    "agent: the rules in force are unknown (pg_hba.conf was already changed when the agent first read it), so what a reload changes cannot be told",
                    .. reload.Clients.Where(c => Decided(c.AfterReload)).Select(c => $"after a reload: {c.Client} {Fate(c.AfterReload)}"),
                ]);
            return;
        }

        var since = $"agent: rules in force as read at {EvidenceText.Time(reload.InForceReadAt!.Value)}, before pg_hba.conf changed";
        foreach (var client in reload.Clients)
        {
            var now = client.InForce;
            var after = client.AfterReload;
            if (now.Outcome == ExpectedClientOutcome.Allowed && after.Outcome is ExpectedClientOutcome.Rejected or ExpectedClientOutcome.NoMatch)
            {
                found.Add(DiagnosisCause.HbaReloadWouldLockOut, Severity.Critical,
                    $"{client.Client} is allowed now by {now.MatchedLine}; after a reload {Fate(after)}", since);
            }
            else if (now.Outcome is ExpectedClientOutcome.Rejected or ExpectedClientOutcome.NoMatch && after.Outcome == ExpectedClientOutcome.Allowed)
            {
                found.Add(DiagnosisCause.HbaReloadWouldAdmit, Severity.Info,
                    $"{client.Client} is refused now ({Fate(now, present: true)}); after a reload {Fate(after)}", since);
            }
        }
    }

    private static bool Decided(ExpectedClientDecision decision) => decision.Outcome != ExpectedClientOutcome.Unknown;

    /// <summary>What the rules do with the client, in words: "pg_hba.conf line 4 (...) would allow it".</summary>
    private static string Fate(ExpectedClientDecision decision, bool present = false)
    {
        var would = present ? "" : "would ";
        return decision.Outcome switch
        {
            ExpectedClientOutcome.Allowed => $"{decision.MatchedLine} {would}{(present ? "allows" : "allow")} it",
            ExpectedClientOutcome.Rejected => $"{decision.MatchedLine} {would}{(present ? "rejects" : "reject")} it",
            ExpectedClientOutcome.NoMatch => $"no pg_hba.conf line {would}{(present ? "matches" : "match")} it",
            _ => "it is unknown",
        };
    }
}

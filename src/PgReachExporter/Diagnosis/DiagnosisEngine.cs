using System.Collections.Immutable;

namespace PgReachExporter.Diagnosis;

/// <summary>
/// The verdict engine: a pure function from a target's latest observations to ordered findings. Works with the probe
/// cycle alone and uses server and host evidence when present and fresh; the same input always gives the same verdict.
/// </summary>
internal static class DiagnosisEngine
{
    /// <summary>The rule sets, in layer order; a new rule set is one file and one line here.</summary>
    private static readonly Action<DiagnosisContext, FindingSet>[] Rules =
    [
        TransportRules.Apply,
        ListenAddressRules.Apply,
        TlsRules.Apply,
        LoginRules.Apply,
        ServerRules.Apply,
        HbaReloadRules.Apply,
        RestartRules.Apply,
    ];

    public static Verdict Diagnose(DiagnosisInput input)
    {
        var context = new DiagnosisContext(input);
        var found = new FindingSet();
        foreach (var rule in Rules)
        {
            rule(context, found);
        }

        if (found.IsEmpty && !context.Cycle.Up)
        {
            // Never report ok for a target that is down: say so, with what was seen.
            found.Add(DiagnosisCause.LoginError, Severity.Critical, [.. context.Cycle.Tcp.Select(context.Tcp), context.Login]);
        }

        var findings = found.IsEmpty ? [Ok(context)] : found.Build(context.Target);
        return new Verdict(
            context.Target.Name,
            context.Cycle.Up,
            findings,
            Summarise(context.Cycle.Up, findings),
            LayerReports.Build(context, findings),
            context.Cycle.StartedAt,
            context.Sources);
    }

    private static Finding Ok(DiagnosisContext context)
    {
        ImmutableArray<string> evidence = [.. context.Cycle.Tcp.Select(context.Tcp), context.Login];
        var (title, nextStep) = CauseCatalog.Texts(DiagnosisCause.Ok, context.Target);
        return new Finding(DiagnosisCause.Ok.Layer, DiagnosisCause.Ok, Severity.Info, title, evidence, nextStep);
    }

    private static string Summarise(bool reachable, ImmutableArray<Finding> findings)
    {
        if (findings is [var ok] && ok.Cause == DiagnosisCause.Ok)
        {
            return ok.Title;
        }

        // Lead with what stops clients now; among equals the layer order already put the first thing to fix first.
        var lead = findings.FirstOrDefault(f => f.Severity == Severity.Critical) ?? findings[0];
        var more = findings.Length - 1;
        var rest = more == 0 ? "" : $" (+{more} more finding{(more == 1 ? "" : "s")})";
        return reachable ? $"Reachable, but: {lead.Title}{rest}" : $"Not reachable: {lead.Title}{rest}";
    }
}

using System.Collections.Immutable;

namespace PgReachExporter.Diagnosis;

/// <summary>One cause the engine found, with the facts that show it and what to do about it.</summary>
/// <param name="Title">The finding in words, for people.</param>
/// <param name="Evidence">Short facts, e.g. "tcp 127.0.0.2:5432 refused in 0.3 ms".</param>
/// <param name="NextStep">A concrete command or action.</param>
internal sealed record Finding(
    DiagnosisLayer Layer,
    DiagnosisCause Cause,
    Severity Severity,
    string Title,
    ImmutableArray<string> Evidence,
    string NextStep);

/// <summary>How one layer looks in a verdict.</summary>
internal enum LayerStatus
{
    Ok,
    Warning,
    Failed,

    /// <summary>Not reached (an earlier layer failed) or no evidence about it.</summary>
    Unknown,
}

/// <summary>The state of one layer and a short line of detail.</summary>
internal sealed record LayerReport(DiagnosisLayer Layer, LayerStatus Status, string Detail);

/// <summary>Which kinds of evidence informed a verdict.</summary>
[Flags]
internal enum EvidenceSources
{
    Probe = 1,
    Server = 2,
    Host = 4,
}

/// <summary>The engine's answer for one target at one probe cycle.</summary>
/// <param name="Reachable">TCP reached at least one address and the login succeeded.</param>
/// <param name="Findings">Ordered: layer (transport, network, auth, capacity, server, config), then severity, then cause; exactly one "ok" finding when nothing else.</param>
/// <param name="Summary">The verdict in one line.</param>
/// <param name="Layers">One report per layer, in layer order.</param>
/// <param name="ProbedAt">When the probe cycle the verdict is based on started.</param>
/// <param name="Sources">The evidence used; server and host evidence that was missing or stale is not.</param>
internal sealed record Verdict(
    string Target,
    bool Reachable,
    ImmutableArray<Finding> Findings,
    string Summary,
    ImmutableArray<LayerReport> Layers,
    DateTimeOffset ProbedAt,
    EvidenceSources Sources)
{
    public bool IsOk => Findings.Length == 1 && Findings[0].Cause == DiagnosisCause.Ok;

    /// <summary>The worst severity among the findings; null when ok.</summary>
    public Severity? WorstSeverity => IsOk ? null : Findings.Min(f => f.Severity);

    /// <summary>The causes of the findings, in order: what the diagnosis series show.</summary>
    public IEnumerable<DiagnosisCause> Causes => Findings.Select(f => f.Cause);
}

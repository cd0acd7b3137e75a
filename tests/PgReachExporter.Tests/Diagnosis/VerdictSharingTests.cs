using System.Collections.Immutable;
using PgReachExporter.Diagnosis;

namespace PgReachExporter.Tests.Diagnosis;

public sealed class VerdictSharingTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static Verdict Verdict(string refusedIn, string loginEvidence, string summary = "Not reachable: Nothing listens on port 5432") => new(
        "orders",
        false,
        [
            new Finding(DiagnosisLayer.Transport, DiagnosisCause.ListenerDown, Severity.Critical, "Nothing listens on port 5432",
                [$"tcp 127.0.0.1:5432 refused in {refusedIn}"], "start it"),
            new Finding(DiagnosisLayer.Auth, DiagnosisCause.LoginError, Severity.Warning, "login failed", [loginEvidence], "look"),
        ],
        new string(summary.AsSpan()),
        [new LayerReport(DiagnosisLayer.Transport, LayerStatus.Failed, new string("Nothing listens on port 5432".AsSpan())), new LayerReport(DiagnosisLayer.Network, LayerStatus.Unknown, "not reached")],
        At,
        EvidenceSources.Probe);

    [Fact]
    public void The_shared_verdict_has_the_next_ones_value_and_the_previous_ones_instances_where_they_agree()
    {
        var previous = Verdict("0.1 ms", "login refused");
        var next = Verdict("0.2 ms", "login refused") with { ProbedAt = At.AddSeconds(15) };

        var shared = VerdictSharing.Share(previous, next);

        Assert.Equal(next.ProbedAt, shared.ProbedAt);
        Assert.Equal(next.Summary, shared.Summary);
        Assert.Same(previous.Summary, shared.Summary);
        Assert.Equal(previous.Layers.ToArray(), shared.Layers.ToArray());
        // The transport finding's evidence changed: it is the next verdict's; the auth finding is the previous one.
        Assert.Equal(["tcp 127.0.0.1:5432 refused in 0.2 ms"], shared.Findings[0].Evidence.ToArray());
        Assert.Same(next.Findings[0], shared.Findings[0]);
        Assert.Same(previous.Findings[1], shared.Findings[1]);
        Assert.Equal(next.Findings.Select(f => (f.Cause, f.Severity, f.Title, string.Join("|", f.Evidence))),
            shared.Findings.Select(f => (f.Cause, f.Severity, f.Title, string.Join("|", f.Evidence))));
    }

    [Fact]
    public void Nothing_is_shared_that_differs()
    {
        var previous = Verdict("0.1 ms", "login refused", summary: "Not reachable: something else");
        var next = Verdict("0.2 ms", "login timed out");

        var shared = VerdictSharing.Share(previous, next);

        Assert.Same(next.Summary, shared.Summary);
        Assert.Same(next.Findings[0], shared.Findings[0]);
        Assert.Same(next.Findings[1], shared.Findings[1]);
        Assert.Same(next, VerdictSharing.Share(null, next));
    }

    [Fact]
    public void An_unchanged_verdict_keeps_every_previous_part()
    {
        var previous = Verdict("0.1 ms", "login refused");
        var next = Verdict("0.1 ms", "login refused");

        var shared = VerdictSharing.Share(previous, next);

        Assert.True(shared.Findings == previous.Findings);
        Assert.True(shared.Layers == previous.Layers);
        Assert.Same(previous.Summary, shared.Summary);
    }
}

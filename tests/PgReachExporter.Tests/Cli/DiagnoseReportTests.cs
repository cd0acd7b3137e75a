using PgReachExporter.Classification;
using PgReachExporter.Cli;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;
using PgReachExporter.Tests.Diagnosis;
using PgReachExporter.Web;
using PgReachExporter.Scheduling;
using static PgReachExporter.Tests.Diagnosis.Scenario;

namespace PgReachExporter.Tests.Cli;

public sealed class DiagnoseReportTests
{
    private static string Report(Scenario scenario) =>
        DiagnoseReport.Render(TargetStatusMapper.From(new TargetDiagnosis(scenario.Target, scenario.Diagnose(), Now, scenario.Cycle, 0)), TimeSpan.FromSeconds(5));

    [Fact]
    public void A_broken_target_is_reported_step_by_step_then_layer_by_layer_then_with_findings()
    {
        var report = Report(Healthy.WithTcp(Refused("10.0.0.5"), Timeout("fd00::5")).WithLogin(LoginResult.Refused, "Failed to connect"));

        var lines = report.Split('\n');
        Assert.Equal("pgreach diagnose app@db1.example:5432/orders (connect timeout 5s)", lines[0]);
        Assert.Contains("  dns    db1.example     ok              1.0 ms  10.0.0.5, fd00::5", lines);
        Assert.Contains("  tcp    10.0.0.5:5432   refused         0.3 ms  ConnectionRefused", lines);
        Assert.Contains("  tcp    [fd00::5]:5432  timeout            5 s  no answer within 5s", lines);
        Assert.Contains("  transport  FAILED   Nothing listens on port 5432: connections are refused", lines);
        Assert.Contains("  auth       unknown  not reached", lines);
        Assert.Contains("verdict: Not reachable: Nothing listens on port 5432: connections are refused (+1 more finding)", lines);
        Assert.Contains("1. listener_down (transport, critical): Nothing listens on port 5432: connections are refused", lines);
        Assert.Contains("2. firewall_drop (network, critical): Connection attempts to port 5432 get no answer: a firewall or the network drops them", lines);
        Assert.Contains("   - tcp [fd00::5]:5432 no answer within 5 s", lines);
        Assert.Contains(lines, l => l.StartsWith("   next step: From this host run `nc -vz -w 5 db1.example 5432`", StringComparison.Ordinal));
        Assert.DoesNotContain(Password, report, StringComparison.Ordinal);
    }

    [Fact]
    public void A_healthy_target_ends_with_the_verdict()
    {
        var report = Report(Healthy);

        Assert.EndsWith("verdict: Reachable: TCP and login to db1.example:5432 succeed\n", report, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  login  app@orders +ok +12 ms  PostgreSQL 16\.2$", report);
    }
}

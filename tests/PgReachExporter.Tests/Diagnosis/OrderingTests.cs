using PgReachExporter.Classification;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;
using static PgReachExporter.Tests.Diagnosis.Scenario;

namespace PgReachExporter.Tests.Diagnosis;

public sealed class OrderingTests
{
    [Fact]
    public void Transport_comes_before_the_network_path_whatever_the_order_of_the_addresses()
    {
        var dropFirst = Healthy.WithTcp(Timeout("10.0.0.5"), Refused("fd00::5")).WithLogin(LoginResult.Timeout).Diagnose();
        var refusedFirst = Healthy.WithTcp(Refused("fd00::5"), Timeout("10.0.0.5")).WithLogin(LoginResult.Timeout).Diagnose();

        VerdictAssert.Causes(dropFirst, DiagnosisCause.ListenerDown, DiagnosisCause.FirewallDrop);
        VerdictAssert.Causes(refusedFirst, DiagnosisCause.ListenerDown, DiagnosisCause.FirewallDrop);
    }

    [Fact]
    public void The_network_path_comes_before_authorization()
    {
        var verdict = (Healthy.WithTcp(Open("10.0.0.5"), Timeout("fd00::5")).WithLogin(LoginResult.NoHbaEntry)).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.FirewallDrop, DiagnosisCause.HbaNoEntry);
    }

    [Fact]
    public void A_warning_in_an_earlier_layer_still_comes_before_a_critical_finding_in_a_later_one_but_the_summary_leads_with_the_critical()
    {
        var verdict = Healthy.WithTcp(Open("127.0.0.1"), Refused("::1")).WithLogin(LoginResult.PasswordFailed).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.Ipv6NotListening, DiagnosisCause.PasswordFailed);
        Assert.Equal(Severity.Warning, verdict.Findings[0].Severity);
        Assert.Equal("Not reachable: The password of user app is refused (+1 more finding)", verdict.Summary);
    }

    [Fact]
    public void Layers_follow_transport_network_auth_capacity_server_config()
    {
        var verdict = (Healthy.WithLogin(LoginResult.PasswordFailed) with
        {
            Server = ServerSays() with
            {
                Port = 5433,
                HbaReloadPending = true,
                ClientConnections = 99,
                MaxConnections = 100,
                SystemIdentifier = "1",
            },
            Expectations = new TargetExpectations { SystemIdentifier = "2" },
        }).Diagnose();

        VerdictAssert.Causes(verdict,
            DiagnosisCause.WrongPort, DiagnosisCause.PasswordFailed, DiagnosisCause.ConnectionSaturation,
            DiagnosisCause.WrongInstance, DiagnosisCause.HbaReloadPending);
        Assert.Equal(verdict.Findings.OrderBy(f => f.Layer).Select(f => f.Layer), verdict.Findings.Select(f => f.Layer));
        Assert.Equal(DiagnosisLabels.Layers, verdict.Layers.Select(l => l.Layer));
    }

    [Fact]
    public void Within_a_layer_critical_findings_come_before_warnings()
    {
        var verdict = (Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused) with
        {
            Host = HostLog() with { CouldNotBindIpv6 = true },
        }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.ListenerDown, DiagnosisCause.Ipv6NotListening);
    }

    [Fact]
    public void The_same_observations_give_the_same_verdict()
    {
        var scenario = Healthy.WithTcp(Refused("10.0.0.5"), Timeout("fd00::5")).WithLogin(LoginResult.Refused) with { Server = ServerSays("localhost") };

        var first = scenario.Diagnose();
        var second = scenario.Diagnose();

        Assert.Equal(first.Findings.Select(f => (f.Cause, f.Severity, string.Join("|", f.Evidence))),
            second.Findings.Select(f => (f.Cause, f.Severity, string.Join("|", f.Evidence))));
        Assert.Equal(first.Summary, second.Summary);
    }
}

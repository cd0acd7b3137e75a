using PgReachExporter.Classification;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;
using PgReachExporter.Probes;
using static PgReachExporter.Tests.Diagnosis.Scenario;

namespace PgReachExporter.Tests.Diagnosis;

public sealed class NetworkFindingsTests
{
    [Fact]
    public void A_name_that_does_not_resolve_is_dns_failure_and_nothing_else()
    {
        var verdict = (Healthy with
        {
            Dns = new DnsObservation(DnsLookupResult.NotFound, [], TimeSpan.FromMilliseconds(3), "HostNotFound"),
            Tcp = [],
            Login = Failed(LoginResult.DnsError),
        }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.DnsFailure);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.DnsFailure, "dns db1.example: no such host (HostNotFound)");
        Assert.Contains("getent ahosts db1.example", verdict.Findings[0].NextStep, StringComparison.Ordinal);
    }

    [Fact]
    public void No_answer_is_firewall_drop_and_not_a_server_problem()
    {
        var verdict = Healthy.WithTcp(Timeout("10.0.0.5")).WithLogin(LoginResult.Timeout).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.FirewallDrop);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.FirewallDrop, "tcp 10.0.0.5:5432 no answer within 5 s");
        Assert.Contains("Restarting PostgreSQL will not help", verdict.Findings[0].NextStep, StringComparison.Ordinal);
        Assert.Equal(Severity.Critical, verdict.Findings[0].Severity);
    }

    [Fact]
    public void Refused_although_the_server_listens_on_the_wildcard_is_firewall_reject()
    {
        var verdict = (Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused) with { Server = ServerSays("*") }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.FirewallReject);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.FirewallReject, "server: listen_addresses = '*', port = 5432");
    }

    [Fact]
    public void Unreachable_although_the_socket_table_shows_the_wildcard_on_the_port_is_firewall_reject()
    {
        var verdict = (Healthy.WithTcp(Unreachable("10.0.0.5")).WithLogin(LoginResult.Unreachable) with
        {
            Host = HostShows(new HostSocket("0.0.0.0", 5432, "postgres")),
        }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.FirewallReject);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.FirewallReject, "socket table: 0.0.0.0:5432 (postgres)");
    }

    [Fact]
    public void Unreachable_with_nothing_known_about_the_listener_is_network_unreachable()
    {
        var verdict = Healthy.WithTcp(Unreachable("10.0.0.5")).WithLogin(LoginResult.Unreachable).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.NetworkUnreachable);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.NetworkUnreachable, "tcp 10.0.0.5:5432 unreachable (HostUnreachable)");
    }

    [Fact]
    public void A_dropped_address_next_to_an_open_one_is_a_warning_while_the_login_succeeds()
    {
        var verdict = Healthy.WithTcp(Open("10.0.0.5"), Timeout("fd00::5")).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.FirewallDrop);
        Assert.Equal(Severity.Warning, verdict.Findings[0].Severity);
        Assert.True(verdict.Reachable);
    }

    [Fact]
    public void A_dropped_address_that_made_the_login_time_out_is_critical()
    {
        var verdict = Healthy.WithTcp(Open("10.0.0.5"), Timeout("fd00::5")).WithLogin(LoginResult.Timeout).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.FirewallDrop);
        Assert.Equal(Severity.Critical, verdict.Findings[0].Severity);
        Assert.False(verdict.Reachable);
    }
}

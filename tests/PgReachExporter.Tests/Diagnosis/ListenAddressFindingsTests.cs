using PgReachExporter.Diagnosis;
using static PgReachExporter.Tests.Diagnosis.Scenario;

namespace PgReachExporter.Tests.Diagnosis;

/// <summary>Configured listen addresses compared with what is bound, while the probed address works.</summary>
public sealed class ListenAddressFindingsTests
{
    [Fact]
    public void An_ipv6_address_configured_but_not_in_the_socket_table_is_ipv6_not_listening_while_reachable()
    {
        var verdict = (Healthy with
        {
            Server = ServerSays("10.0.0.5,2001:db8::99"),
            Host = HostShows(new HostSocket("10.0.0.5", 5432, "postgres")),
        }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.Ipv6NotListening);
        Assert.True(verdict.Reachable);
        Assert.Equal(Severity.Warning, verdict.Findings[0].Severity);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.Ipv6NotListening, "server: listen_addresses = '10.0.0.5,2001:db8::99', port = 5432");
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.Ipv6NotListening, "[2001:db8::99]:5432 is not bound");
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.Ipv6NotListening, "socket table: 10.0.0.5:5432 (postgres)");
    }

    [Fact]
    public void An_ipv4_address_configured_but_not_bound_is_a_bind_failure_warning()
    {
        var verdict = (Healthy with
        {
            Server = ServerSays("10.0.0.5,10.0.0.6"),
            Host = HostShows(new HostSocket("10.0.0.5", 5432, "postgres")),
        }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.BindFailure);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.BindFailure, "10.0.0.6:5432 is not bound");
    }

    [Fact]
    public void A_star_needs_both_wildcards_and_localhost_both_loopbacks()
    {
        var star = (Healthy with { Server = ServerSays("*"), Host = HostShows(new HostSocket("0.0.0.0", 5432, "postgres")) }).Diagnose();
        var both = (Healthy with
        {
            Server = ServerSays("*"),
            Host = HostShows(new HostSocket("0.0.0.0", 5432, "postgres"), new HostSocket("::", 5432, "postgres")),
        }).Diagnose();
        var localhost = (Healthy with { Server = ServerSays("localhost"), Host = HostShows(new HostSocket("127.0.0.1", 5432, "postgres")) }).Diagnose();

        VerdictAssert.HasEvidence(star, DiagnosisCause.Ipv6NotListening, "[::]:5432 is not bound");
        VerdictAssert.Causes(both, DiagnosisCause.Ok);
        VerdictAssert.HasEvidence(localhost, DiagnosisCause.Ipv6NotListening, "[::1]:5432 is not bound");
    }

    [Fact]
    public void The_log_of_the_current_start_stands_in_for_the_socket_table()
    {
        var verdict = (Healthy with
        {
            Server = ServerSays("10.0.0.5,::1"),
            Host = HostLog() with { LogListening = [new HostSocket("10.0.0.5", 5432)] },
        }).Diagnose();

        VerdictAssert.HasEvidence(verdict, DiagnosisCause.Ipv6NotListening, "server log at the last start: listening on: 10.0.0.5:5432");
    }

    [Fact]
    public void Nothing_is_concluded_without_a_bound_side_or_for_host_names()
    {
        var noBoundSide = (Healthy with { Server = ServerSays("10.0.0.5,2001:db8::99") }).Diagnose();
        var hostName = (Healthy with { Server = ServerSays("db1.example"), Host = HostShows(new HostSocket("10.0.0.5", 5432, "postgres")) }).Diagnose();

        VerdictAssert.Causes(noBoundSide, DiagnosisCause.Ok);
        VerdictAssert.Causes(hostName, DiagnosisCause.Ok);
    }

    [Fact]
    public void A_wildcard_socket_covers_a_configured_address_of_its_family()
    {
        var verdict = (Healthy with { Server = ServerSays("10.0.0.5"), Host = HostShows(new HostSocket("0.0.0.0", 5432, "postgres")) }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.Ok);
    }

    [Fact]
    public void A_server_on_another_port_is_wrong_port_and_not_a_list_of_unbound_addresses()
    {
        var verdict = (Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(Observations.LoginResult.Refused) with
        {
            Server = ServerSays("10.0.0.5,::1", port: 5433),
            Host = HostShows(),
        }).Diagnose();

        Assert.Contains(DiagnosisCause.WrongPort, verdict.Causes);
        Assert.DoesNotContain(DiagnosisCause.Ipv6NotListening, verdict.Causes);
    }
}

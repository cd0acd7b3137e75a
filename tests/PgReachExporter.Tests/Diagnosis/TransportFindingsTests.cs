using System.Collections.Immutable;
using PgReachExporter.Classification;
using PgReachExporter.Observations;
using PgReachExporter.Probes;
using PgReachExporter.Diagnosis;
using static PgReachExporter.Tests.Diagnosis.Scenario;

namespace PgReachExporter.Tests.Diagnosis;

public sealed class TransportFindingsTests
{
    [Fact]
    public void Refused_everywhere_with_nothing_else_known_is_listener_down()
    {
        var verdict = Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.ListenerDown);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.ListenerDown, "tcp 10.0.0.5:5432 refused in 0.3 ms");
        Assert.False(verdict.Reachable);
        Assert.Equal(Severity.Critical, verdict.Findings[0].Severity);
        Assert.StartsWith("Not reachable: Nothing listens on port 5432", verdict.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Refused_everywhere_with_the_login_not_attempted_is_the_same_verdict_as_with_a_refused_login()
    {
        var attempted = Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused);
        var skipped = attempted with { Login = LoginObservation.NotAttemptedEveryAddressRefused };

        var verdict = skipped.Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.ListenerDown);
        Assert.Equal(attempted.Diagnose().Summary, verdict.Summary);
        Assert.Equal(attempted.Diagnose().Findings.Single().Evidence.ToArray(), verdict.Findings.Single().Evidence.ToArray());
        Assert.Equal(attempted.Diagnose().Layers.ToArray(), verdict.Layers.ToArray());
        Assert.Equal("login as app to orders not attempted: every address refused its TCP connect in this cycle (reported as refused)",
            EvidenceText.Login(skipped.Login, skipped.Target));
    }

    [Fact]
    public void Timed_out_everywhere_with_the_login_not_attempted_is_the_same_verdict_as_with_a_timed_out_login()
    {
        var attempted = Healthy.WithTcp(Timeout("10.0.0.5")).WithLogin(LoginResult.Timeout);
        var skipped = attempted with { Login = LoginObservation.NotAttemptedEveryAddressTimedOut };

        var verdict = skipped.Diagnose();

        Assert.Equal(attempted.Diagnose().Causes.ToArray(), verdict.Causes.ToArray());
        Assert.Equal(attempted.Diagnose().Summary, verdict.Summary);
        Assert.Equal(attempted.Diagnose().Layers.ToArray(), verdict.Layers.ToArray());
        Assert.Equal("login as app to orders not attempted: every address timed out its TCP connect in this cycle (reported as timeout)",
            EvidenceText.Login(skipped.Login, skipped.Target));
    }

    [Fact]
    public void Refused_while_the_socket_table_shows_nothing_on_the_port_is_listener_down()
    {
        var verdict = Healthy.WithTcp(Refused("127.0.0.2")).WithLogin(LoginResult.Refused) with
        {
            Host = HostShows(new HostSocket("0.0.0.0", 22, "sshd")),
        };

        var result = verdict.Diagnose();

        VerdictAssert.Causes(result, DiagnosisCause.ListenerDown);
        VerdictAssert.HasEvidence(result, DiagnosisCause.ListenerDown, "socket table: nothing on port 5432");
    }

    [Fact]
    public void Refused_from_here_while_the_server_listens_on_localhost_is_listen_localhost_only()
    {
        var verdict = (Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused) with { Server = ServerSays("localhost") }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.ListenLocalhostOnly);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.ListenLocalhostOnly, "server: listen_addresses = 'localhost', port = 5432");
        Assert.Contains("SHOW listen_addresses;", verdict.Findings[0].NextStep, StringComparison.Ordinal);
        Assert.Contains("restart", verdict.Findings[0].NextStep, StringComparison.Ordinal);
    }

    [Fact]
    public void Refused_on_another_loopback_address_while_the_socket_table_shows_only_127_0_0_1_is_listen_localhost_only()
    {
        var verdict = (Healthy.WithTcp(Refused("127.0.0.2")).WithLogin(LoginResult.Refused) with
        {
            Host = HostShows(new HostSocket("127.0.0.1", 5432, "postgres")),
        }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.ListenLocalhostOnly);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.ListenLocalhostOnly, "socket table: 127.0.0.1:5432 (postgres)");
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.ListenLocalhostOnly, "tcp 127.0.0.2:5432 refused");
    }

    [Fact]
    public void Refused_on_an_address_the_server_does_not_bind_while_it_binds_another_is_listen_address_excluded()
    {
        var verdict = (Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused) with
        {
            Host = HostShows(new HostSocket("10.0.0.6", 5432, "postgres"), new HostSocket("127.0.0.1", 5432, "postgres")),
        }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.ListenAddressExcluded);
    }

    [Fact]
    public void Refused_on_one_address_while_another_of_the_same_family_answers_is_listen_address_excluded_as_a_warning()
    {
        var verdict = Healthy.WithTcp(Open("10.0.0.5"), Refused("10.0.0.6")).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.ListenAddressExcluded);
        Assert.Equal(Severity.Warning, verdict.Findings[0].Severity);
        Assert.True(verdict.Reachable);
    }

    [Fact]
    public void Nothing_on_the_port_while_PostgreSQL_listens_on_another_is_wrong_port()
    {
        var verdict = (Healthy.WithTcp(Refused("127.0.0.1")).WithLogin(LoginResult.Refused) with
        {
            Host = HostShows(new HostSocket("127.0.0.1", 5433, "postgres")),
        }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.WrongPort);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.WrongPort, "PostgreSQL on 127.0.0.1:5433 (postgres)");
    }

    [Fact]
    public void Nothing_on_the_port_while_the_server_log_says_it_listens_on_another_is_wrong_port()
    {
        var verdict = (Healthy.WithTcp(Refused("127.0.0.1")).WithLogin(LoginResult.Refused) with
        {
            Host = HostLog() with { LogListening = [new HostSocket("127.0.0.1", 5433)] },
        }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.WrongPort);
    }

    [Fact]
    public void A_server_reporting_another_port_than_expected_is_wrong_port_even_when_reachable()
    {
        var verdict = (Healthy with { Server = ServerSays("*", port: 5433) }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.WrongPort);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.WrongPort, "server: port = 5433, expected 5432");
        Assert.Equal(Severity.Warning, verdict.Findings[0].Severity);
    }

    [Fact]
    public void Ipv6_refused_while_ipv4_answers_is_ipv6_not_listening_and_still_reachable()
    {
        var verdict = Healthy.WithTcp(Open("127.0.0.1"), Refused("::1")).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.Ipv6NotListening);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.Ipv6NotListening, "tcp [::1]:5432 refused");
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.Ipv6NotListening, "tcp 127.0.0.1:5432 open");
        Assert.True(verdict.Reachable);
        Assert.Equal(Severity.Warning, verdict.Findings[0].Severity);
        Assert.StartsWith("Reachable, but:", verdict.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_could_not_bind_IPv6_log_line_alone_is_ipv6_not_listening()
    {
        var verdict = (Healthy with { Host = HostLog() with { CouldNotBindIpv6 = true, LogEventsSinceStart = Counts(("could_not_bind", 1)) } }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.Ipv6NotListening);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.Ipv6NotListening, "could not bind an IPv6 address");
    }

    [Fact]
    public void A_refusal_after_could_not_bind_lines_since_the_start_is_the_bind_failure_not_listener_down()
    {
        var verdict = (Healthy.WithTcp(Refused("10.0.0.5")).WithLogin(LoginResult.Refused) with
        {
            Host = HostLog() with
            {
                LogEventsSinceStart = Counts(("could_not_bind", 2)),
                BindFailures = [new LogBindFailure("ipv4", "10.0.0.5", "Address already in use")],
            },
        }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.BindFailure);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.BindFailure, "could not bind ipv4 address 10.0.0.5: Address already in use");
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.BindFailure, "tcp 10.0.0.5:5432 refused");
        Assert.StartsWith("Not reachable: PostgreSQL could not bind", verdict.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_could_not_create_listen_socket_line_is_bind_failure()
    {
        var verdict = (Healthy with { Host = HostLog() with { LogEventsSinceStart = Counts(("no_listen_socket", 1)) } }).Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.BindFailure);
        Assert.Equal(Severity.Warning, verdict.Findings[0].Severity);
    }

    [Fact]
    public void Another_protocol_on_the_port_is_not_postgres()
    {
        var verdict = Healthy.WithLogin(LoginResult.NotPostgres, "Unknown message code: 83").Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.NotPostgres);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.NotPostgres, "not_postgres");
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.NotPostgres, "tcp 10.0.0.5:5432 open");
    }

    [Fact]
    public void A_missing_unix_socket_file_is_listener_down()
    {
        var verdict = (Healthy with { Target = Healthy.Target with { Host = "/var/run/postgresql" } })
            .WithTcp(new TcpObservation("/var/run/postgresql/.s.PGSQL.5432", "unix", TcpConnectResult.Refused, TimeSpan.Zero, "no socket file"))
            .WithLogin(LoginResult.Refused)
            .Diagnose();

        VerdictAssert.Causes(verdict, DiagnosisCause.ListenerDown);
        VerdictAssert.HasEvidence(verdict, DiagnosisCause.ListenerDown, "unix socket /var/run/postgresql/.s.PGSQL.5432 does not exist");
    }

    internal static ImmutableDictionary<string, long> Counts(params (string Name, long Count)[] counts) =>
        counts.ToDictionary(c => c.Name, c => c.Count).ToImmutableDictionary();
}

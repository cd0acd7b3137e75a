using System.Collections.Immutable;
using System.Net;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;

namespace PgReachExporter.Tests.Diagnosis;

/// <summary>What the host showed, mapped into the evidence the engine reads, and the verdicts that follow.</summary>
public sealed class HostEvidenceMapperTests
{
    private static readonly string[] FailedStart =
    [
        "2025-03-01 11:59:00.000 UTC [10] LOG:  starting PostgreSQL 16.4 on x86_64-pc-linux-gnu",
        "2025-03-01 11:59:00.001 UTC [10] LOG:  could not bind IPv4 address \"192.0.2.1\": Cannot assign requested address",
        "2025-03-01 11:59:00.001 UTC [10] WARNING:  could not create listen socket for \"192.0.2.1\"",
        "2025-03-01 11:59:00.002 UTC [10] FATAL:  could not create any TCP/IP sockets",
        "2025-03-01 11:59:00.003 UTC [10] LOG:  database system is shut down",
    ];

    [Fact]
    public void Host_that_showed_nothing_gives_no_evidence()
    {
        Assert.Null(HostEvidenceMapper.From(new HostObservation(Scenario.Now, null, null)));
    }

    [Fact]
    public void Failed_start_in_the_log_becomes_bind_failures_since_the_start()
    {
        var evidence = HostEvidenceMapper.From(new HostObservation(Scenario.Now, Log(FailedStart), null))!;

        Assert.Equal(1, evidence.Count(HostLogEvents.CouldNotBind));
        Assert.Equal(1, evidence.Count(HostLogEvents.NoListenSocket));
        var failure = Assert.Single(evidence.BindFailures);
        Assert.Equal(("ipv4", "192.0.2.1"), (failure.Family, failure.Address));
        Assert.StartsWith("address not available", failure.Reason, StringComparison.Ordinal);
        Assert.False(evidence.CouldNotBindIpv6);
        Assert.Empty(evidence.LogListening!.Value);
        Assert.Null(evidence.SocketTable);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 11, 59, 0, 1, TimeSpan.Zero), evidence.LastEventTimes[HostLogEvents.CouldNotBind]);
    }

    [Fact]
    public void Failed_start_then_a_refusal_is_a_bind_failure()
    {
        var evidence = HostEvidenceMapper.From(new HostObservation(Scenario.Now, Log(FailedStart), null));

        var verdict = (Scenario.Healthy.WithTcp(Scenario.Refused("127.0.0.1")).WithLogin(PgReachExporter.Observations.LoginResult.Refused)
            with { Host = evidence }).Diagnose();

        Assert.Contains(DiagnosisCause.BindFailure, verdict.Causes);
    }

    [Fact]
    public void A_good_start_after_the_failed_one_clears_the_bind_failures()
    {
        string[] lines =
        [
            .. FailedStart,
            "2025-03-01 11:59:30.000 UTC [20] LOG:  starting PostgreSQL 16.4 on x86_64-pc-linux-gnu",
            "2025-03-01 11:59:30.001 UTC [20] LOG:  listening on IPv4 address \"127.0.0.1\", port 5432",
            "2025-03-01 11:59:30.002 UTC [20] LOG:  database system is ready to accept connections",
        ];

        var evidence = HostEvidenceMapper.From(new HostObservation(Scenario.Now, Log(lines), null))!;

        Assert.Equal(0, evidence.Count(HostLogEvents.CouldNotBind));
        Assert.Empty(evidence.BindFailures);
        Assert.Equal([new HostSocket("127.0.0.1", 5432)], evidence.LogListening!.Value.ToArray());
    }

    [Fact]
    public void Log_without_a_start_does_not_claim_what_is_listening()
    {
        var evidence = HostEvidenceMapper.From(new HostObservation(Scenario.Now,
            Log("2025-03-01 11:59:00.000 UTC [10] FATAL:  password authentication failed for user \"app\""), null))!;

        Assert.Null(evidence.LogListening);
        Assert.Equal(1, evidence.Count("password_failed"));
    }

    [Fact]
    public void Socket_table_with_loopback_only_turns_a_refusal_from_another_address_into_listen_localhost_only()
    {
        var listener = Listener(5432, ("127.0.0.1", 5432, "postgres"));

        var evidence = HostEvidenceMapper.From(new HostObservation(Scenario.Now, null, listener))!;
        var verdict = (Scenario.Healthy.WithTcp(Scenario.Refused("127.0.0.2")).WithLogin(PgReachExporter.Observations.LoginResult.Refused)
            with { Host = evidence }).Diagnose();

        Assert.Equal([new HostSocket("127.0.0.1", 5432, "postgres")], evidence.SocketTable!.Value.ToArray());
        Assert.Equal([DiagnosisCause.ListenLocalhostOnly], verdict.Causes);
    }

    [Fact]
    public void Postgres_on_another_port_of_the_server_s_own_namespace_is_evidence_of_a_wrong_port()
    {
        var listener = Listener(5432) with { PostgresElsewhere = Listener(5433, ("0.0.0.0", 5433, "postgres")).Listeners, ProcessNamespace = true };

        var verdict = RefusedWith(HostEvidenceMapper.From(new HostObservation(Scenario.Now, null, listener)));

        Assert.Contains(DiagnosisCause.WrongPort, verdict.Causes);
    }

    [Fact]
    public void Postgres_on_the_port_the_server_s_log_names_is_evidence_of_a_wrong_port()
    {
        var listener = Listener(5432) with { PostgresElsewhere = Listener(5433, ("0.0.0.0", 5433, "postgres")).Listeners };
        var log = Log(
            "2025-03-01 11:59:30.000 UTC [20] LOG:  starting PostgreSQL 16.4 on x86_64-pc-linux-gnu",
            "2025-03-01 11:59:30.001 UTC [20] LOG:  listening on IPv4 address \"0.0.0.0\", port 5433");

        var verdict = RefusedWith(HostEvidenceMapper.From(new HostObservation(Scenario.Now, log, listener)));

        Assert.Contains(DiagnosisCause.WrongPort, verdict.Causes);
    }

    [Fact]
    public void Another_cluster_of_the_same_machine_is_no_evidence_of_a_wrong_port()
    {
        var listener = Listener(5432) with { PostgresElsewhere = Listener(5433, ("0.0.0.0", 5433, "postgres")).Listeners };

        var verdict = RefusedWith(HostEvidenceMapper.From(new HostObservation(Scenario.Now, null, listener)));

        Assert.Equal([DiagnosisCause.ListenerDown], verdict.Causes);
    }

    private static Verdict RefusedWith(HostEvidence? evidence) =>
        (Scenario.Healthy.WithTcp(Scenario.Refused("10.0.0.5")).WithLogin(PgReachExporter.Observations.LoginResult.Refused)
            with { Host = evidence }).Diagnose();

    [Fact]
    public void Table_read_only_in_part_is_no_evidence_of_what_is_bound()
    {
        var listener = Listener(5432, ("127.0.0.1", 5432, "postgres")) with { Errors = ["/proc/net/tcp6: I/O error"] };

        Assert.Null(HostEvidenceMapper.From(new HostObservation(Scenario.Now, null, listener))!.SocketTable);
    }

    private static ServerLogObservation Log(params string[] lines)
    {
        var counter = new LogEventCounter(LogFormat.Stderr);
        counter.Add(new LogLineBatch("/pg/log/postgresql.log", lines, StartsNewFile: true));
        var health = new LogTailerHealth("/pg/log/postgresql.log", LogTailerState.Following, lines.Length,
            LogReadErrorLabels.All.ToImmutableDictionary(e => e, _ => 0L), 1, true, null);
        return new ServerLogObservation("/pg/log/postgresql.log", counter.Snapshot(), health);
    }

    private static ListenerObservation Listener(int port, params (string Address, int Port, string Process)[] sockets) => new(port,
        [.. sockets.Select((s, i) => new ObservedListener(
            ListeningSocket.From(new TcpSocketEntry(IPAddress.Parse(s.Address), s.Port, IPAddress.Any, 0, TcpState.Listen, 101, 500 + i)),
            new SocketOwner(77, s.Process, s.Process == "postgres")))],
        []);
}

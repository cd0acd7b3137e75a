using System.Collections.Immutable;
using System.Net;
using System.Text;
using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;
using PgReachExporter.Metrics;
using PgReachExporter.Observations;
using PgReachExporter.Scheduling;
using Prometheus;

namespace PgReachExporter.Tests.Metrics;

public sealed class HostSignalMetricsWriterTests
{
    private static readonly TargetDefinition Target = new()
    {
        Name = "orders", Host = "127.0.0.1", Port = 5432, Database = "orders", Username = "app",
        ConnectTimeout = TimeSpan.FromSeconds(1), Interval = TimeSpan.FromSeconds(5), LogPath = "/var/log/postgresql/postgresql.log",
    };

    private readonly MetricsUnderTest _scrape = new();
    private readonly HostSignalMetricsWriter _writer;
    private readonly LogEventCounter _counter = new(LogFormat.Stderr);

    public HostSignalMetricsWriterTests() => _writer = new HostSignalMetricsWriter(_scrape.Families);

    [Fact]
    public async Task Target_with_a_log_starts_with_every_event_and_reason_at_zero_and_no_timestamps()
    {
        _writer.TargetAdded(Target);

        var text = await ScrapeAsync();

        Assert.Equal(LogEventLabels.All.Count, CountLines(text, "pgreach_log_events_total{target=\"orders\""));
        Assert.Contains("pgreach_log_events_total{target=\"orders\",event=\"could_not_bind\"} 0", text);
        Assert.Equal(LogReadErrorLabels.All.Count, CountLines(text, "pgreach_log_read_errors_total{target=\"orders\""));
        Assert.Contains("pgreach_log_read_errors_total{target=\"orders\",reason=\"permission_denied\"} 0", text);
        Assert.Contains("pgreach_log_lines_total{target=\"orders\"} 0", text);
        Assert.DoesNotContain("pgreach_log_last_event_timestamp_seconds{", text);
        Assert.DoesNotContain("pgreach_listener_present{", text);
    }

    [Fact]
    public async Task Target_without_a_log_has_no_log_series()
    {
        _writer.TargetAdded(Target with { LogPath = null });

        Assert.DoesNotContain("target=\"orders\"", await ScrapeAsync());
    }

    [Fact]
    public async Task Events_counts_and_times_are_written_and_client_details_never_become_labels()
    {
        _writer.TargetAdded(Target);
        Feed(
            "2024-05-01 10:00:00.000 UTC [10] FATAL:  password authentication failed for user \"mallory\"",
            "2024-05-01 10:00:00.000 UTC [10] DETAIL:  Connection matched pg_hba.conf line 5: \"host all all 10.0.0.0/8 scram-sha-256\"",
            "2024-05-01 10:00:05.000 UTC [11] FATAL:  password authentication failed for user \"mallory\"",
            "2024-05-01 10:00:06.000 UTC [12] FATAL:  no pg_hba.conf entry for host \"10.1.2.3\", user \"eve_intruder\", database \"secret_db\", no encryption");

        _writer.LogObserved(Target, Observation());
        var text = await ScrapeAsync();

        Assert.Contains("pgreach_log_events_total{target=\"orders\",event=\"password_failed\"} 2", text);
        Assert.Contains("pgreach_log_events_total{target=\"orders\",event=\"no_hba_entry\"} 1", text);
        Assert.Contains("pgreach_log_last_event_timestamp_seconds{target=\"orders\",event=\"password_failed\"} 1714557605", text);
        Assert.Contains("pgreach_log_lines_total{target=\"orders\"} 4", text);
        Assert.Equal(2, CountLines(text, "pgreach_log_last_event_timestamp_seconds{"));
        foreach (var secret in new[] { "mallory", "eve_intruder", "secret_db", "10.1.2.3", "10.0.0.0" })
        {
            Assert.DoesNotContain(secret, text);
        }
    }

    [Fact]
    public async Task Listening_series_are_those_of_the_latest_start()
    {
        _writer.TargetAdded(Target);
        Feed(
            "2024-05-01 10:00:00.000 UTC [10] LOG:  starting PostgreSQL 16.4 on x86_64-pc-linux-gnu",
            "2024-05-01 10:00:00.001 UTC [10] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432",
            "2024-05-01 10:00:00.001 UTC [10] LOG:  listening on IPv6 address \"::\", port 5432",
            "2024-05-01 10:00:00.002 UTC [10] LOG:  database system is ready to accept connections");
        _writer.LogObserved(Target, Observation());
        Assert.Equal(2, CountLines(await ScrapeAsync(), "pgreach_log_listening{"));

        Feed(
            "2024-05-01 11:00:00.000 UTC [20] LOG:  starting PostgreSQL 16.4 on x86_64-pc-linux-gnu",
            "2024-05-01 11:00:00.001 UTC [20] LOG:  listening on IPv4 address \"127.0.0.1\", port 5433",
            "2024-05-01 11:00:00.002 UTC [20] LOG:  database system is ready to accept connections");
        _writer.LogObserved(Target, Observation());
        var text = await ScrapeAsync();

        Assert.Contains("pgreach_log_listening{target=\"orders\",address=\"127.0.0.1\",port=\"5433\"} 1", text);
        Assert.Equal(1, CountLines(text, "pgreach_log_listening{"));
        Assert.Contains("pgreach_log_events_total{target=\"orders\",event=\"listening\"} 3", text);
    }

    [Fact]
    public async Task Reader_errors_are_running_totals()
    {
        _writer.TargetAdded(Target);
        var errors = LogReadErrorLabels.All.ToImmutableDictionary(e => e, e => e == LogReadError.PermissionDenied ? 2L : 0L);

        _writer.LogObserved(Target, Observation() with { Health = Health() with { ReadErrors = errors } });

        Assert.Contains("pgreach_log_read_errors_total{target=\"orders\",reason=\"permission_denied\"} 2", await ScrapeAsync());
    }

    [Fact]
    public async Task Listener_series_follow_the_socket_table_and_name_the_owner()
    {
        _writer.TargetAdded(Target);

        _writer.CycleCompleted(Record(Host(Listener(("0.0.0.0", "postgres"), ("::", null)))));
        var first = await ScrapeAsync();
        _writer.CycleCompleted(Record(Host(Listener(("127.0.0.1", "postgres")))));
        var second = await ScrapeAsync();
        _writer.CycleCompleted(Record(Host(Listener())));
        var stopped = await ScrapeAsync();

        Assert.Contains("pgreach_listener_present{target=\"orders\"} 1", first);
        Assert.Contains("pgreach_listener_bound{target=\"orders\",address=\"0.0.0.0\",family=\"ipv4\"} 1", first);
        Assert.Contains("pgreach_listener_bound{target=\"orders\",address=\"::\",family=\"ipv6\"} 1", first);
        Assert.Contains("pgreach_listener_info{target=\"orders\",address=\"0.0.0.0\",family=\"ipv4\",process=\"postgres\"} 1", first);
        Assert.Contains("pgreach_listener_info{target=\"orders\",address=\"::\",family=\"ipv6\",process=\"unknown\"} 1", first);
        Assert.Equal(1, CountLines(second, "pgreach_listener_bound{"));
        Assert.Contains("pgreach_listener_bound{target=\"orders\",address=\"127.0.0.1\",family=\"ipv4\"} 1", second);
        Assert.Equal(1, CountLines(second, "pgreach_listener_info{"));
        Assert.Contains("pgreach_listener_present{target=\"orders\"} 0", stopped);
        Assert.DoesNotContain("pgreach_listener_bound{", stopped);
    }

    [Fact]
    public async Task Unreadable_table_or_one_not_read_leaves_no_listener_series()
    {
        _writer.TargetAdded(Target);
        _writer.CycleCompleted(Record(Host(Listener(("127.0.0.1", "postgres")))));

        _writer.CycleCompleted(Record(Host(Listener() with { Errors = ["/proc/net/tcp: Permission denied"] })));
        var unreadable = await ScrapeAsync();
        _writer.CycleCompleted(Record(Host(Listener(("127.0.0.1", "postgres")))));
        _writer.CycleCompleted(Record(Host(null)));
        var notRead = await ScrapeAsync();

        foreach (var text in new[] { unreadable, notRead })
        {
            Assert.DoesNotContain("pgreach_listener_present{", text);
            Assert.DoesNotContain("pgreach_listener_bound{", text);
            Assert.DoesNotContain("pgreach_listener_info{", text);
        }
    }

    [Fact]
    public async Task Removed_target_loses_every_series_and_late_writes_are_dropped()
    {
        _writer.TargetAdded(Target);
        Feed("2024-05-01 10:00:05.000 UTC [11] FATAL:  password authentication failed for user \"app\"");
        _writer.LogObserved(Target, Observation());
        _writer.CycleCompleted(Record(Host(Listener(("127.0.0.1", "postgres")))));

        _writer.TargetRemoved("orders");
        _writer.LogObserved(Target, Observation());
        _writer.CycleCompleted(Record(Host(Listener(("127.0.0.1", "postgres")))));

        Assert.DoesNotContain("target=\"orders\"", await ScrapeAsync());
    }

    private void Feed(params string[] lines) => _counter.Add(new LogLineBatch("/var/log/postgresql/postgresql.log", lines, StartsNewFile: false));

    private ServerLogObservation Observation()
    {
        var events = _counter.Snapshot();
        return new ServerLogObservation("/var/log/postgresql/postgresql.log", events, Health() with { Lines = events.Lines });
    }

    private static LogTailerHealth Health() => new(
        "/var/log/postgresql/postgresql.log", LogTailerState.Following, 0,
        LogReadErrorLabels.All.ToImmutableDictionary(e => e, _ => 0L), 1, true, null);

    private static HostObservation Host(ListenerObservation? listener) => new(DateTimeOffset.UnixEpoch, null, listener);

    private static CycleRecord Record(HostObservation host) => new(Target,
        new TargetCycle(Target.Name, DateTimeOffset.UnixEpoch, TimeSpan.Zero, new DnsObservation(DnsLookupResult.Ok, [], TimeSpan.Zero, null), [],
            new LoginObservation(LoginResult.Ok, TimeSpan.Zero, null, null, null), false),
        host, null);

    private static ListenerObservation Listener(params (string Address, string? Process)[] sockets) => new(5432,
        [.. sockets.Select((s, i) => new ObservedListener(
            ListeningSocket.From(new TcpSocketEntry(IPAddress.Parse(s.Address), 5432, IPAddress.Any, 0, TcpState.Listen, 101, 1000 + i)),
            s.Process is null ? null : new SocketOwner(77, s.Process, s.Process == "postgres")))],
        []);

    private Task<string> ScrapeAsync() => _scrape.ScrapeAsync();

    private static int CountLines(string text, string prefix) => text.Split('\n').Count(l => l.StartsWith(prefix, StringComparison.Ordinal));
}

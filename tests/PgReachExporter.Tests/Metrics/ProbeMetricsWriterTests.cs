using System.Collections.Immutable;
using System.Net;
using System.Text;
using PgReachExporter.Classification;
using PgReachExporter.Configuration;
using PgReachExporter.Metrics;
using PgReachExporter.Observations;
using PgReachExporter.Scheduling;
using PgReachExporter.Probes;
using Prometheus;

namespace PgReachExporter.Tests.Metrics;

public sealed class ProbeMetricsWriterTests
{
    private readonly MetricsUnderTest _scrape = new();
    private readonly ProbeMetricsWriter _writer;

    public ProbeMetricsWriterTests() => _writer = new ProbeMetricsWriter(_scrape.Families);

    private static readonly TargetDefinition Target = new()
    {
        Name = "orders", Host = "db", Port = 5432, Database = "orders", Username = "app",
        Password = new LiteralPassword("hunter2"), ConnectTimeout = TimeSpan.FromSeconds(1), Interval = TimeSpan.FromSeconds(5),
    };

    private static TargetCycle Cycle(LoginResult login, params (string Address, TcpConnectResult Result)[] tcp) => new(
        "orders", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), TimeSpan.FromMilliseconds(12),
        new DnsObservation(DnsLookupResult.Ok, [.. tcp.Select(t => IPAddress.Parse(t.Address))], TimeSpan.FromMilliseconds(1), null),
        [.. tcp.Select(t => new TcpObservation(t.Address, AddressFamilies.Of(IPAddress.Parse(t.Address)), t.Result, TimeSpan.FromMilliseconds(2), null))],
        new LoginObservation(login, TimeSpan.FromMilliseconds(8), null, null, login == LoginResult.Ok ? new Version(15, 4) : null),
        Overran: false);

    private Task<string> ScrapeAsync() => _scrape.ScrapeAsync();

    [Fact]
    public async Task Results_are_one_hot_with_every_value_present()
    {
        _writer.TargetAdded(Target);
        _writer.CycleCompleted(Record(Cycle(LoginResult.Ok, ("127.0.0.1", TcpConnectResult.Open), ("::1", TcpConnectResult.Refused))));

        var text = await ScrapeAsync();

        Assert.Contains("pgreach_tcp_connect_result{target=\"orders\",address=\"127.0.0.1\",family=\"ipv4\",result=\"open\"} 1", text);
        Assert.Contains("pgreach_tcp_connect_result{target=\"orders\",address=\"127.0.0.1\",family=\"ipv4\",result=\"refused\"} 0", text);
        Assert.Contains("pgreach_tcp_connect_result{target=\"orders\",address=\"::1\",family=\"ipv6\",result=\"refused\"} 1", text);
        Assert.Equal(2 * TcpConnectResults.All.Length, CountLines(text, "pgreach_tcp_connect_result{"));
        Assert.Equal(LoginResults.All.Length, CountLines(text, "pgreach_login_result{"));
        Assert.Contains("pgreach_login_result{target=\"orders\",result=\"ok\"} 1", text);
        Assert.Contains("pgreach_up{target=\"orders\"} 1", text);
        Assert.Contains("pgreach_login_server_version{target=\"orders\"} 150004", text);
        Assert.Contains("pgreach_dns_addresses{target=\"orders\",family=\"ipv6\"} 1", text);
        Assert.Contains("pgreach_last_probe_timestamp_seconds{target=\"orders\"} 1700000000", text);
    }

    [Fact]
    public async Task Counters_start_at_zero_for_every_result_and_count_each_probe()
    {
        _writer.TargetAdded(Target);
        Assert.Contains("pgreach_tcp_probes_total{target=\"orders\",result=\"timeout\"} 0", await ScrapeAsync());

        _writer.CycleCompleted(Record(Cycle(LoginResult.Timeout, ("127.0.0.1", TcpConnectResult.Timeout))));
        _writer.CycleCompleted(Record(Cycle(LoginResult.Timeout, ("127.0.0.1", TcpConnectResult.Timeout))));

        var text = await ScrapeAsync();
        Assert.Contains("pgreach_tcp_probes_total{target=\"orders\",result=\"timeout\"} 2", text);
        Assert.Contains("pgreach_login_probes_total{target=\"orders\",result=\"timeout\"} 2", text);
        Assert.Contains("pgreach_up{target=\"orders\"} 0", text);
    }

    [Fact]
    public async Task A_skipped_login_counts_as_skipped_not_as_an_attempt_and_still_reports_refused()
    {
        _writer.TargetAdded(Target);
        _writer.CycleCompleted(Record(Cycle(LoginResult.Refused, ("127.0.0.1", TcpConnectResult.Refused))));
        Assert.Contains("pgreach_login_attempts_skipped_total{reason=\"refused\"} 0\n", await ScrapeAsync());

        _writer.CycleCompleted(Record(Cycle(LoginResult.Refused, ("127.0.0.1", TcpConnectResult.Refused)) with
        {
            Login = LoginObservation.NotAttemptedEveryAddressRefused,
        }));

        var text = await ScrapeAsync();
        Assert.Contains("pgreach_login_attempts_skipped_total{reason=\"refused\"} 1\n", text);
        Assert.Contains("pgreach_login_attempts_skipped_total{reason=\"timeout\"} 0\n", text);
        Assert.Contains("pgreach_login_probes_total{target=\"orders\",result=\"refused\"} 1\n", text);
        Assert.Contains("pgreach_login_result{target=\"orders\",result=\"refused\"} 1\n", text);
        Assert.Contains("pgreach_login_result{target=\"orders\",result=\"ok\"} 0\n", text);
        // The last attempt's duration stands: a login not made took no time worth reporting.
        Assert.Contains("pgreach_login_duration_seconds{target=\"orders\"} 0.008\n", text);
        Assert.Contains("pgreach_tcp_probes_total{target=\"orders\",result=\"refused\"} 2\n", text);
    }

    [Fact]
    public async Task Address_that_no_longer_resolves_loses_its_series()
    {
        _writer.TargetAdded(Target);
        _writer.CycleCompleted(Record(Cycle(LoginResult.Ok, ("127.0.0.1", TcpConnectResult.Open), ("::1", TcpConnectResult.Open))));
        _writer.CycleCompleted(Record(Cycle(LoginResult.Ok, ("127.0.0.1", TcpConnectResult.Open))));

        var text = await ScrapeAsync();

        Assert.DoesNotContain("address=\"::1\"", text);
        Assert.Contains("address=\"127.0.0.1\"", text);
    }

    [Fact]
    public async Task Unresolvable_name_reports_dns_error_without_an_address()
    {
        _writer.TargetAdded(Target);
        var cycle = Cycle(LoginResult.DnsError) with
        {
            Dns = new DnsObservation(DnsLookupResult.NotFound, [], TimeSpan.FromMilliseconds(3), "HostNotFound"),
        };

        _writer.CycleCompleted(Record(cycle));

        var text = await ScrapeAsync();
        Assert.Contains("pgreach_tcp_connect_result{target=\"orders\",address=\"\",family=\"\",result=\"dns_error\"} 1", text);
        Assert.Contains("pgreach_tcp_probes_total{target=\"orders\",result=\"dns_error\"} 1", text);
    }

    [Fact]
    public async Task Removed_target_loses_every_series()
    {
        _writer.TargetAdded(Target);
        _writer.CycleCompleted(Record(Cycle(LoginResult.Ok, ("127.0.0.1", TcpConnectResult.Open))));

        _writer.TargetRemoved("orders");

        Assert.DoesNotContain("target=\"orders\"", await ScrapeAsync());
    }

    [Fact]
    public async Task Password_never_reaches_the_exposition()
    {
        _writer.TargetAdded(Target);
        _writer.CycleCompleted(Record(Cycle(LoginResult.PasswordFailed, ("127.0.0.1", TcpConnectResult.Open))));

        Assert.DoesNotContain("hunter2", await ScrapeAsync());
    }

    private static CycleRecord Record(TargetCycle cycle) => new(Target, cycle, null, null);

    private static int CountLines(string text, string prefix) =>
        text.Split('\n').Count(l => l.StartsWith(prefix, StringComparison.Ordinal));
}

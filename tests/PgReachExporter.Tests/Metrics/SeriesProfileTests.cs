using System.Collections.Immutable;
using System.Net;
using PgReachExporter.Classification;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Metrics;
using PgReachExporter.Observations;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Tests.Metrics;

/// <summary>PgReach:SeriesProfile: what a target costs under full and lean, and that lean keeps the alerting contract.</summary>
public sealed class SeriesProfileTests
{
    private static readonly TargetDefinition Target = new()
    {
        Name = "orders", Host = "db", Port = 5432, Database = "orders", Username = "app",
        ConnectTimeout = TimeSpan.FromSeconds(1), Interval = TimeSpan.FromSeconds(5),
    };

    private static TargetCycle Cycle(LoginResult login, bool overran, params (string Address, TcpConnectResult Result)[] tcp) => new(
        "orders", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), TimeSpan.FromMilliseconds(12),
        new DnsObservation(DnsLookupResult.Ok, [.. tcp.Select(t => IPAddress.Parse(t.Address))], TimeSpan.FromMilliseconds(1), null),
        [.. tcp.Select(t => new TcpObservation(t.Address, AddressFamilies.Of(IPAddress.Parse(t.Address)), t.Result, TimeSpan.FromMilliseconds(2), null))],
        new LoginObservation(login, TimeSpan.FromMilliseconds(8), null, null, login == LoginResult.Ok ? new Version(15, 4) : null),
        Overran: overran);

    private static async Task<string> AfterOneCycleAsync(SeriesProfile profile, bool overran = false)
    {
        var metrics = new MetricsUnderTest(profile);
        var probes = new ProbeMetricsWriter(metrics.Families);
        var verdicts = new DiagnosisMetricsWriter(metrics.Families);
        probes.TargetAdded(Target);
        verdicts.TargetAdded(Target);
        probes.CycleCompleted(new CycleRecord(Target, Cycle(LoginResult.Ok, overran, ("10.0.0.5", TcpConnectResult.Open), ("::1", TcpConnectResult.Refused)), null, null));
        return await metrics.ScrapeAsync();
    }

    private static int Lines(string text, string prefix) => text.Split('\n').Count(l => l.StartsWith(prefix, StringComparison.Ordinal));

    private static int Series(string text) => text.Split('\n').Count(l => l.StartsWith("pgreach_", StringComparison.Ordinal) && l.Contains("target=\"orders\"", StringComparison.Ordinal));

    [Fact]
    public async Task Lean_keeps_the_one_hot_families_complete_and_the_timeout_rate_from_the_first_scrape()
    {
        var text = await AfterOneCycleAsync(SeriesProfile.Lean);

        Assert.Equal(2 * TcpConnectResults.All.Length, Lines(text, "pgreach_tcp_connect_result{target=\"orders\""));
        Assert.Equal(LoginResults.All.Length, Lines(text, "pgreach_login_result{target=\"orders\""));
        Assert.Contains("pgreach_login_result{target=\"orders\",result=\"ok\"} 1\n", text);
        Assert.Contains("pgreach_tcp_probes_total{target=\"orders\",result=\"timeout\"} 0\n", text);
        Assert.Contains("pgreach_tcp_probes_total{target=\"orders\",result=\"open\"} 1\n", text);
        Assert.Contains("pgreach_tcp_probes_total{target=\"orders\",result=\"refused\"} 1\n", text);
        Assert.Equal(3, Lines(text, "pgreach_tcp_probes_total{target=\"orders\""));
        Assert.Contains("pgreach_up{target=\"orders\"} 1\n", text);
        Assert.Contains("pgreach_last_probe_timestamp_seconds{target=\"orders\"} 1700000000\n", text);
    }

    [Fact]
    public async Task Lean_leaves_out_every_full_only_family_entirely_and_full_has_each_of_them()
    {
        var lean = await AfterOneCycleAsync(SeriesProfile.Lean);
        var full = await AfterOneCycleAsync(SeriesProfile.Full);

        foreach (var family in ReachMetrics.FullOnlyFamilies.Where(f => f != "pgreach_tls_handshake_duration_seconds"))
        {
            Assert.Contains($"\n{family}{{target=\"orders\"", "\n" + full);
        }

        foreach (var family in ReachMetrics.FullOnlyFamilies)
        {
            Assert.DoesNotContain(family, lean);
        }

        Assert.Equal(6, Lines(full, "pgreach_tcp_probes_total{target=\"orders\""));
        Assert.Contains("pgreach_probe_overruns_total{target=\"orders\"} 0\n", full);
        Assert.DoesNotContain("pgreach_probe_overruns_total{", lean);
    }

    [Fact]
    public async Task Both_profiles_have_the_agent_wide_skipped_login_counter_from_the_first_scrape()
    {
        foreach (var profile in new[] { SeriesProfile.Lean, SeriesProfile.Full })
        {
            var text = await AfterOneCycleAsync(profile);

            Assert.DoesNotContain("pgreach_login_attempts_skipped_total", ReachMetrics.FullOnlyFamilies);
            Assert.Contains("\npgreach_login_attempts_skipped_total{reason=\"refused\"} 0\n", text);
        }
    }

    [Fact]
    public async Task Lean_counts_an_overrun_from_the_first_one()
    {
        var lean = await AfterOneCycleAsync(SeriesProfile.Lean, overran: true);

        Assert.Contains("pgreach_probe_overruns_total{target=\"orders\"} 1\n", lean);
    }

    [Fact]
    public async Task A_target_costs_fewer_series_under_lean_and_a_removed_target_leaves_none_under_either()
    {
        var lean = await AfterOneCycleAsync(SeriesProfile.Lean);
        var full = await AfterOneCycleAsync(SeriesProfile.Full);

        // Two addresses: 2 x 6 one-hot TCP results, 23 login results; see README's "Series per target" for one address.
        // Then pgreach_tcp_probes_total for timeout, open and refused, pgreach_up, pgreach_last_probe_timestamp_seconds.
        Assert.Equal(2 * TcpConnectResults.All.Length + LoginResults.All.Length + 3 + 2, Series(lean));
        Assert.True(Series(full) > Series(lean) + 10, $"full {Series(full)}, lean {Series(lean)}");

        foreach (var profile in new[] { SeriesProfile.Lean, SeriesProfile.Full })
        {
            var metrics = new MetricsUnderTest(profile);
            var probes = new ProbeMetricsWriter(metrics.Families);
            var verdicts = new DiagnosisMetricsWriter(metrics.Families);
            probes.TargetAdded(Target);
            verdicts.TargetAdded(Target);
            probes.CycleCompleted(new CycleRecord(Target, Cycle(LoginResult.Refused, true, ("10.0.0.5", TcpConnectResult.Refused)), null, null));
            probes.TargetRemoved(Target.Name);
            verdicts.TargetRemoved(Target.Name);

            Assert.Equal(0, Series(await metrics.ScrapeAsync()));
        }
    }
}

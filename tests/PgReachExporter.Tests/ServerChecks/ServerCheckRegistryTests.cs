using PgReachExporter.Configuration;
using PgReachExporter.Metrics;
using PgReachExporter.Observations;
using PgReachExporter.Probes.ServerChecks;
using PgReachExporter.Tests.Metrics;
using static PgReachExporter.Tests.ServerChecks.ServerViews;

namespace PgReachExporter.Tests.ServerChecks;

/// <summary>The registry is the one list of server checks: what it holds runs, and is reported, with nothing else to change.</summary>
public sealed class ServerCheckRegistryTests
{
    [Fact]
    public void Checks_run_in_one_order_with_unique_names_and_the_remote_log_only_when_asked()
    {
        var plain = ServerCheckRegistry.For(Target(), TimeProvider.System);
        var reading = ServerCheckRegistry.For(Target() with { Monitoring = Target().Monitoring! with { ReadServerLog = true } }, TimeProvider.System);

        Assert.Equal(["settings", "file_settings", "identity", "hba_rules", "hba_reload", "connections", "roles", "tls_cert_file"], plain.Select(c => c.Name));
        Assert.Equal([.. plain.Select(c => c.Name), "log_remote"], reading.Select(c => c.Name));
        Assert.Equal(reading.Count, reading.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public async Task A_check_the_writers_do_not_know_is_reported_from_its_run_alone()
    {
        var scrape = new MetricsUnderTest();
        var writer = new ServerMetricsWriter(scrape.Families);
        var target = Target();
        writer.TargetAdded(target);

        var view = Connected(target).With("replication_slots", CheckOutcome<SlotsSeen>.Failed(ServerCheckResult.PermissionDenied, "42501: denied"));
        writer.ViewCompleted(target, view);
        var text = await scrape.ScrapeAsync();

        Assert.Equal([.. ServerCheckRegistry.For(target, TimeProvider.System).Select(c => c.Name), "replication_slots"], view.CheckResults.Select(c => c.Check));
        Assert.Contains("pgreach_server_check_result{target=\"orders\",check=\"replication_slots\",result=\"permission_denied\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("pgreach_server_check_result{target=\"orders\",check=\"replication_slots\",result=\"ok\"} 0", text, StringComparison.Ordinal);
        Assert.NotNull(view.Find<SlotsSeen>());
    }

    private sealed record SlotsSeen(int Count);
}

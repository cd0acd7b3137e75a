using PgReachExporter.Observations;
using PgReachExporter.Tests.Metrics;
using System.Text;
using PgReachExporter.Metrics;
using PgReachExporter.Probes.ServerChecks;
using Prometheus;
using static PgReachExporter.Tests.ServerChecks.ServerViews;

namespace PgReachExporter.Tests.ServerChecks;

public sealed class ServerMetricsWriterTests
{
    private readonly MetricsUnderTest _scrape = new();
    private readonly ReachMetrics _metrics;
    private readonly ServerMetricsWriter _writer;

    public ServerMetricsWriterTests()
    {
        _metrics = _scrape.Families;
        _writer = new ServerMetricsWriter(_metrics);
    }

    private Task<string> ScrapeAsync() => _scrape.ScrapeAsync();

    private static int TargetLines(string text) => text.Split('\n').Count(l => l.Contains("target=\"orders\"", StringComparison.Ordinal));

    private static int CountLines(string text, string prefix) => text.Split('\n').Count(l => l.StartsWith(prefix, StringComparison.Ordinal));

    [Fact]
    public async Task A_connected_view_writes_every_family_with_one_hot_check_results()
    {
        var target = Target(AppSubnet);
        _writer.TargetAdded(target);
        _writer.ViewCompleted(target, Connected(target, settings: Settings(16, "listen_addresses")));

        var text = await ScrapeAsync();

        Assert.Contains("pgreach_monitoring_up{target=\"orders\"} 1", text);
        Assert.Equal(8 * PgReachExporter.Observations.ServerChecks.Results.Length, CountLines(text, "pgreach_server_check_result{"));
        Assert.Contains("pgreach_server_check_result{target=\"orders\",check=\"hba_rules\",result=\"ok\"} 1", text);
        Assert.Contains("pgreach_server_check_result{target=\"orders\",check=\"hba_rules\",result=\"permission_denied\"} 0", text);
        Assert.Contains("pgreach_server_info{target=\"orders\",version=\"16.4\",server_address=\"10.0.0.5\",server_port=\"5432\",system_identifier=\"7351234567890123456\",listen_addresses=\"localhost\"} 1", text);
        Assert.Contains("pgreach_setting_pending_restart{target=\"orders\",name=\"listen_addresses\"} 1", text);
        Assert.Contains("pgreach_setting_pending_restart{target=\"orders\",name=\"port\"} 0", text);
        Assert.Contains("pgreach_max_connections{target=\"orders\"} 100", text);
        Assert.Contains("pgreach_superuser_reserved_connections{target=\"orders\"} 3", text);
        Assert.Contains("pgreach_reserved_connections{target=\"orders\"} 2", text);
        Assert.Contains("pgreach_connections{target=\"orders\",state=\"idle\"} 40", text);
        Assert.Contains("pgreach_connections{target=\"orders\",state=\"idle_in_transaction\"} 0", text);
        Assert.Contains("pgreach_postmaster_start_time_seconds{target=\"orders\"} 1699996400", text);
        Assert.Contains("pgreach_config_load_time_seconds{target=\"orders\"} 1699999700", text);
        Assert.Contains("pgreach_hba_rules{target=\"orders\"} 1", text);
        Assert.Contains("pgreach_hba_rule_errors{target=\"orders\"} 0", text);
        Assert.Contains("pgreach_hba_file_loadable{target=\"orders\"} 1", text);
        Assert.Contains("pgreach_hba_reload_pending{target=\"orders\"} 0", text);
        Assert.Contains("pgreach_hba_client_allowed{target=\"orders\",client=\"app-subnet\"} 1", text);
        Assert.Contains("pgreach_hba_client_matched_line{target=\"orders\",client=\"app-subnet\"} 1", text);
        Assert.Contains("pgreach_hba_client_allowed_after_reload{target=\"orders\",client=\"app-subnet\"} 1", text);
        Assert.Contains("pgreach_hba_shadowed_rules{target=\"orders\"} 0", text);
    }

    [Fact]
    public async Task A_pending_edit_shows_the_rules_in_force_and_after_a_reload_side_by_side()
    {
        var target = Target(AppSubnet);
        var view = Connected(target, reloadPending: true);
        var dropped = new HbaFileRules([Rule(1, "host", "all", "other", "10.0.1.0", "scram-sha-256")]);
        view = view with { HbaAfterReload = HbaEvaluation.Evaluate(target.ExpectedClients, dropped, null), HbaPending = new HbaPendingReload(true, false, At.AddMinutes(-3)) };
        _writer.TargetAdded(target);
        _writer.ViewCompleted(target, view);

        var text = await ScrapeAsync();

        Assert.Contains("pgreach_hba_client_allowed{target=\"orders\",client=\"app-subnet\"} 1", text);
        Assert.Contains("pgreach_hba_client_allowed_after_reload{target=\"orders\",client=\"app-subnet\"} 0", text);
        Assert.Contains("# HELP pgreach_hba_client_allowed_after_reload ", text);
    }

    [Fact]
    public async Task Before_postgresql_16_there_is_no_reserved_connections_series()
    {
        var target = Target();
        _writer.ViewCompleted(target, Connected(target, settings: Settings(15)));

        var text = await ScrapeAsync();

        Assert.Contains("pgreach_superuser_reserved_connections{target=\"orders\"} 3", text);
        Assert.DoesNotContain("pgreach_reserved_connections{", text);
    }

    [Fact]
    public async Task Error_rows_give_a_count_a_bounded_info_series_each_and_loadable_zero_when_a_line_cannot_be_parsed()
    {
        var target = Target();
        var rows = Enumerable.Range(10, 25).Select(line => ErrorRow(line, "invalid authentication method \"bogus\"")).ToList();
        rows.Add(ErrorRow(40, "hostssl record cannot match because SSL is disabled", type: "hostssl"));
        _writer.ViewCompleted(target, Connected(target, rules: new HbaFileRules([Rule(1, "local", "all", "all", null, "peer"), .. rows])));

        var text = await ScrapeAsync();

        Assert.Contains("pgreach_hba_rule_errors{target=\"orders\"} 26", text);
        Assert.Contains("pgreach_hba_rules{target=\"orders\"} 1", text);
        Assert.Contains("pgreach_hba_file_loadable{target=\"orders\"} 0", text);
        Assert.Equal(ServerMetricsWriter.MaxHbaErrorSeries, CountLines(text, "pgreach_hba_rule_error_info{"));
        Assert.Contains("pgreach_hba_rule_error_info{target=\"orders\",file=\"/etc/pg/pg_hba.conf\",line=\"10\"} 1", text);
    }

    [Fact]
    public async Task A_line_that_loads_but_never_matches_leaves_the_file_loadable()
    {
        var target = Target();
        var rules = new HbaFileRules([Rule(1, "local", "all", "all", null, "peer"), ErrorRow(2, "hostssl record cannot match because SSL is disabled", type: "hostssl")]);
        _writer.ViewCompleted(target, Connected(target, rules: rules));

        var text = await ScrapeAsync();

        Assert.Contains("pgreach_hba_rule_errors{target=\"orders\"} 1", text);
        Assert.Contains("pgreach_hba_file_loadable{target=\"orders\"} 1", text);
    }

    [Fact]
    public async Task On_postgresql_15_error_lines_are_labelled_with_the_hba_file_setting()
    {
        var target = Target();
        var rules = new HbaFileRules([ErrorRow(7, "invalid IP mask", file: null)]);
        _writer.ViewCompleted(target, Connected(target, rules: rules, settings: Settings(15)));

        Assert.Contains("pgreach_hba_rule_error_info{target=\"orders\",file=\"/etc/pg/pg_hba.conf\",line=\"7\"} 1", await ScrapeAsync());
    }

    [Fact]
    public async Task A_failing_check_takes_its_series_away_and_says_why()
    {
        var target = Target(AppSubnet);
        _writer.ViewCompleted(target, Connected(target));
        _writer.ViewCompleted(target, Connected(target)
            .With(HbaRulesCheck.Name, CheckOutcome<HbaFileRules>.Failed(ServerCheckResult.PermissionDenied, "42501: permission denied for view pg_hba_file_rules"))
            .With(HbaReloadCheck.Name, CheckOutcome<HbaReloadState>.Failed(ServerCheckResult.PermissionDenied, "42501: permission denied for function pg_stat_file")) with
        {
            Hba = HbaEvaluation.Evaluate(target.ExpectedClients, null, null),
        });

        var text = await ScrapeAsync();

        Assert.Contains("pgreach_server_check_result{target=\"orders\",check=\"hba_rules\",result=\"permission_denied\"} 1", text);
        Assert.Contains("pgreach_server_check_result{target=\"orders\",check=\"hba_reload\",result=\"permission_denied\"} 1", text);
        Assert.Contains("pgreach_server_check_result{target=\"orders\",check=\"settings\",result=\"ok\"} 1", text);
        Assert.DoesNotContain("pgreach_hba_rules{", text);
        Assert.DoesNotContain("pgreach_hba_reload_pending{", text);
        Assert.DoesNotContain("pgreach_hba_shadowed_rules{", text);
        Assert.Contains("pgreach_hba_client_allowed{target=\"orders\",client=\"app-subnet\"} -1", text);
        Assert.Contains("pgreach_hba_client_matched_line{target=\"orders\",client=\"app-subnet\"} 0", text);
    }

    [Fact]
    public async Task A_lost_monitoring_connection_leaves_only_monitoring_up_zero()
    {
        var target = Target(AppSubnet);
        _writer.ViewCompleted(target, Connected(target));
        _writer.ViewCompleted(target, ServerView.Disconnected(target.Name, At, TimeSpan.Zero, "connection refused"));

        var text = await ScrapeAsync();

        Assert.Contains("pgreach_monitoring_up{target=\"orders\"} 0", text);
        Assert.Equal(1, TargetLines(text));
    }

    [Fact]
    public async Task Changed_identity_replaces_the_info_series_and_a_target_without_monitoring_has_no_server_series()
    {
        var target = Target();
        _writer.ViewCompleted(target, Connected(target));
        _writer.ViewCompleted(target, Connected(target).With(IdentityCheck.Name, CheckOutcome<ServerIdentity>.Ok(Identity with { ServerPort = 5433 })));

        var text = await ScrapeAsync();
        Assert.Equal(1, CountLines(text, "pgreach_server_info{"));
        Assert.Contains("server_port=\"5433\"", text);

        _writer.TargetRemoved(target.Name);
        Assert.Equal(0, TargetLines(await ScrapeAsync()));
    }

    [Fact]
    public async Task Pending_settings_outside_the_watched_ones_have_a_series_only_while_pending()
    {
        var target = Target();
        _writer.ViewCompleted(target, Connected(target, settings: Settings(16, "shared_buffers")));
        Assert.Contains("pgreach_setting_pending_restart{target=\"orders\",name=\"shared_buffers\"} 1", await ScrapeAsync());

        _writer.ViewCompleted(target, Connected(target, settings: Settings(16)));
        Assert.DoesNotContain("name=\"shared_buffers\"", await ScrapeAsync());
    }
}

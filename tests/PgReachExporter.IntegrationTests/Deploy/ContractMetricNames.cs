namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>The metric names the agent promises to export (the metric contract); the deployment may use no other.</summary>
internal static class ContractMetricNames
{
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        // client side: DNS, TCP, login, agent
        "pgreach_tcp_connect_result", "pgreach_tcp_connect_duration_seconds", "pgreach_tcp_probes_total",
        "pgreach_login_result", "pgreach_login_duration_seconds", "pgreach_login_probes_total", "pgreach_login_attempts_skipped_total",
        "pgreach_dns_addresses", "pgreach_up", "pgreach_last_probe_timestamp_seconds",
        "pgreach_probe_cycle_duration_seconds", "pgreach_probe_overruns_total", "pgreach_targets", "pgreach_build_info",
        "pgreach_config_last_reload_successful", "pgreach_config_last_reload_success_timestamp_seconds",
        "pgreach_agent_stage_failures_total",
        "pgreach_tls_certificate_expiry_timestamp_seconds", "pgreach_tls_info", "pgreach_tls_handshake_duration_seconds",
        "pgreach_tls_certificate_file_expiry_timestamp_seconds",
        "pgreach_web_config_last_reload_successful", "pgreach_web_config_last_reload_success_timestamp_seconds", "pgreach_web_config_reloads_total",

        // server side, over the monitoring connection
        "pgreach_monitoring_up", "pgreach_server_check_result", "pgreach_setting_pending_restart", "pgreach_server_info",
        "pgreach_postmaster_start_time_seconds", "pgreach_config_load_time_seconds", "pgreach_hba_rules",
        "pgreach_hba_rule_errors", "pgreach_hba_rule_error_info", "pgreach_hba_file_loadable", "pgreach_hba_reload_pending",
        "pgreach_connections", "pgreach_max_connections", "pgreach_superuser_reserved_connections",
        "pgreach_reserved_connections", "pgreach_hba_client_allowed", "pgreach_hba_client_allowed_after_reload", "pgreach_hba_client_matched_line",
        "pgreach_hba_shadowed_rules",

        // host side: server log and socket table
        "pgreach_log_events_total", "pgreach_log_last_event_timestamp_seconds", "pgreach_log_listening",
        "pgreach_log_lines_total", "pgreach_log_read_errors_total", "pgreach_listener_bound", "pgreach_listener_present",
        "pgreach_listener_info",

        // verdict
        "pgreach_diagnosis", "pgreach_diagnosis_changes_total",

        // a /probe answer's own
        "pgreach_probe_success", "pgreach_probe_duration_seconds",

        // /probe requests, in /metrics
        "pgreach_probe_requests_total",
    };

    /// <summary>Series Prometheus itself writes for every scrape; the agent-down alerts need them.</summary>
    public static IReadOnlySet<string> ScrapeHealth { get; } = new HashSet<string>(StringComparer.Ordinal) { "up" };
}

using PgReachExporter.Classification;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;
using PgReachExporter.Probes.ServerChecks;
using Prometheus;

namespace PgReachExporter.Metrics;

/// <summary>
/// Every metric family the agent exports: names, HELP texts and label sets live here and nowhere else.
/// All per-target families have "target" as their first label, so a removed target's series can be dropped.
/// </summary>
internal sealed class ReachMetrics
{
    /// <summary>The families the lean series profile leaves out (README, "Series per target"); the rest are in both.</summary>
    public static readonly IReadOnlyList<string> FullOnlyFamilies =
    [
        "pgreach_tcp_connect_duration_seconds", "pgreach_login_duration_seconds", "pgreach_login_probes_total",
        "pgreach_login_server_version", "pgreach_dns_addresses", "pgreach_dns_lookup_duration_seconds",
        "pgreach_tls_handshake_duration_seconds", "pgreach_probe_cycle_duration_seconds", "pgreach_diagnosis_changes_total",
    ];

    private readonly List<Action<string>> _perTargetRemovers = [];
    private readonly List<Action<string>> _serverRemovers = [];
    private readonly List<IExposedFamily> _exposed = [];

    public ReachMetrics(IMetricFactory factory, SeriesProfile profile = SeriesProfile.Full)
        : this(factory, factory, probe: false, profile)
    {
    }

    /// <param name="factory">Where the per-target gauges of a cycle go.</param>
    /// <param name="accumulating">Where counters and the agent-wide families go: the agent's own registry, or one never exported for a /probe answer.</param>
    /// <param name="probe">True for a /probe answer: only it has pgreach_probe_success and pgreach_probe_duration_seconds.</param>
    /// <param name="profile">Lean leaves out the families marked "full only" below (null then): a /probe answer is always full.</param>
    private ReachMetrics(IMetricFactory factory, IMetricFactory accumulating, bool probe, SeriesProfile profile = SeriesProfile.Full)
    {
        Profile = profile;
        var full = profile == SeriesProfile.Full;
        TcpConnectResult = PerTarget(new OneHotGauge<TcpConnectResult>("pgreach_tcp_connect_result",
            "Result of the last TCP connect to each resolved address of the target: 1 for the current result, 0 for the others.",
            ["target", "address", "family"], "result", TcpConnectResults.All, TcpConnectResults.Label));
        TcpConnectDuration = full // full only
            ? Keyed(LabelledValueFamily.Gauge("pgreach_tcp_connect_duration_seconds",
                "Time the last TCP connect to each address took to succeed or fail, in seconds.",
                ["target", "address", "family"]))
            : null;
        TcpProbes = PerTarget(new ResultCounter<TcpConnectResult>("pgreach_tcp_probes_total",
            "TCP connect attempts by result, one per resolved address per cycle; rate() of result=\"timeout\" is the timeout rate.",
            ["target"], "result", TcpConnectResults.All, TcpConnectResults.Label));
        LoginResult = PerTarget(new OneHotGauge<LoginResult>("pgreach_login_result",
            "Result of the last login attempt (fresh unpooled connection through authentication): 1 for the current result, 0 for the others.",
            ["target"], "result", LoginResults.All, LoginResults.Label));
        LoginDuration = full // full only
            ? AddExposed(TargetValueFamily.Gauge("pgreach_login_duration_seconds",
            "Time the last login attempt took to succeed or fail, in seconds."), server: false)
            : null;
        LoginProbes = full // full only
            ? PerTarget(new ResultCounter<LoginResult>("pgreach_login_probes_total",
                "Login attempts by result.", ["target"], "result", LoginResults.All, LoginResults.Label))
            : null;
        LoginServerVersion = full // full only
            ? AddExposed(TargetValueFamily.Gauge("pgreach_login_server_version",
            "Server version number (as server_version_num, e.g. 150004) reported by the last successful login."), server: false)
            : null;
        DnsAddresses = full // full only
            ? Keyed(LabelledValueFamily.Gauge("pgreach_dns_addresses",
                "Number of addresses the target's host resolved to in the last cycle, by address family.", ["target", "family"]))
            : null;
        DnsLookupDuration = full // full only
            ? AddExposed(TargetValueFamily.Gauge("pgreach_dns_lookup_duration_seconds",
            "Time the last host name lookup took, in seconds (0 for an IP address or a Unix socket)."), server: false)
            : null;
        TlsCertificateExpiry = AddExposed(TargetValueFamily.Gauge("pgreach_tls_certificate_expiry_timestamp_seconds",
            "Unix time of the earliest notAfter in the certificate chain the server presented to the TLS probe (as the blackbox exporter's probe_ssl_earliest_cert_expiry); absent until a handshake completed."), server: false);
        TlsInfo = Keyed(LabelledValueFamily.Gauge("pgreach_tls_info",
            "The TLS probe's last completed handshake: protocol version, cipher suite, the server certificate's subject and issuer; always 1.",
            ["target", "version", "cipher", "subject", "issuer"]));
        TlsHandshakeDuration = full // full only
            ? AddExposed(TargetValueFamily.Gauge("pgreach_tls_handshake_duration_seconds",
            "Time the TLS probe's last handshake took (SSLRequest to finished, or to its failure), in seconds; absent when no handshake was tried."), server: false)
            : null;
        Up = AddExposed(TargetValueFamily.Gauge("pgreach_up",
            "1 when the last cycle connected over TCP and logged in successfully, 0 otherwise."), server: false);
        LastProbeTimestamp = AddExposed(TargetValueFamily.Gauge("pgreach_last_probe_timestamp_seconds",
            "Unix time at which the target's last completed probe cycle started."), server: false);
        CycleDuration = full // full only
            ? AddExposed(TargetValueFamily.Gauge("pgreach_probe_cycle_duration_seconds",
            "Duration of the target's last probe cycle (DNS, TCP and login), in seconds."), server: false)
            : null;
        Overruns = AddExposed(TargetValueFamily.Counter("pgreach_probe_overruns_total",
            "Probe cycles that took longer than the target's interval."), server: false);
        Diagnosis = Keyed(LabelledValueFamily.Gauge("pgreach_diagnosis",
            "Causes found by the target's latest verdict: 1 per active (layer, cause); a cause that clears has no series. cause=\"ok\", layer=\"all\" when nothing is wrong.",
            ["target", "layer", "cause"]));
        DiagnosisChanges = full // full only
            ? AddExposed(TargetValueFamily.Counter("pgreach_diagnosis_changes_total",
            "Times the target's verdict changed: its reachability or its set of causes."), server: false)
            : null;
        MonitoringUp = PerTargetServer(factory.CreateGauge("pgreach_monitoring_up",
            "1 when the target's monitoring connection is open, 0 while the agent reconnects; only targets with a monitoring connection have it.",
            ["target"]));
        ServerCheckResult = PerTargetServer(new OneHotGauge<ServerCheckResult>("pgreach_server_check_result",
            "Result of each server-side check in the last cycle (ok, permission_denied, unsupported, error): 1 for the current result, 0 for the others. Absent while the monitoring connection is down.",
            ["target", "check"], "result", ServerChecks.Results, ServerChecks.Label));
        ServerChecksDuration = PerTargetServer(factory.CreateGauge("pgreach_server_checks_duration_seconds",
            "Time the last cycle of server-side checks took, in seconds.", ["target"]));
        ServerInfo = KeyedServer(LabelledValueFamily.Gauge("pgreach_server_info",
            "Identity of the server behind the monitoring connection; always 1. server_address is empty over a Unix socket; server_port is the port it answered on, or its port setting over a Unix socket.",
            ["target", "version", "server_address", "server_port", "system_identifier", "listen_addresses"]));
        SettingPendingRestart = KeyedServer(LabelledValueFamily.Gauge("pgreach_setting_pending_restart",
            "1 when a setting was changed in the configuration files but needs a restart to apply (pg_settings.pending_restart); the watched settings always have a series, others only while pending.",
            ["target", "name"]));
        PostmasterStartTime = PerTargetServer(factory.CreateGauge("pgreach_postmaster_start_time_seconds",
            "Unix time the server started (pg_postmaster_start_time()).", ["target"]));
        ConfigLoadTime = PerTargetServer(factory.CreateGauge("pgreach_config_load_time_seconds",
            "Unix time the server last loaded its configuration files (pg_conf_load_time()).", ["target"]));
        TlsCertificateFileExpiry = PerTargetServer(factory.CreateGauge("pgreach_tls_certificate_file_expiry_timestamp_seconds",
            "Unix time of the earliest notAfter in the server's ssl_cert_file as on disk, read over the monitoring connection: what the server presents after its next reload; absent with ssl = off or when the file cannot be read (the tls_cert_file check says why).",
            ["target"]));
        HbaRules = PerTargetServer(factory.CreateGauge("pgreach_hba_rules",
            "pg_hba.conf lines on disk the server can use (rows of pg_hba_file_rules without an error).", ["target"]));
        HbaRuleErrors = PerTargetServer(factory.CreateGauge("pgreach_hba_rule_errors",
            "pg_hba.conf lines on disk with an error (rows of pg_hba_file_rules whose error is not null).", ["target"]));
        HbaRuleErrorInfo = KeyedServer(LabelledValueFamily.Gauge("pgreach_hba_rule_error_info",
            "One series per pg_hba.conf line with an error (at most 20 per target); always 1.", ["target", "file", "line"]));
        HbaFileLoadable = PerTargetServer(factory.CreateGauge("pgreach_hba_file_loadable",
            "0 when pg_hba.conf on disk has a line the server cannot parse: a reload keeps the previous rules and a restart would fail; 1 otherwise.",
            ["target"]));
        HbaReloadPending = PerTargetServer(factory.CreateGauge("pgreach_hba_reload_pending",
            "1 when pg_hba.conf on disk is newer than the server's last configuration load (whole-second resolution), 0 otherwise.", ["target"]));
        Connections = KeyedServer(LabelledValueFamily.Gauge("pgreach_connections",
            "Client backends by state (pg_stat_activity); the agent's monitoring session is one of them. state=\"unknown\": sessions the role may not inspect.",
            ["target", "state"]));
        MaxConnections = PerTargetServer(factory.CreateGauge("pgreach_max_connections", "The max_connections setting.", ["target"]));
        ServerPort = PerTargetServer(factory.CreateGauge("pgreach_server_port", "The server's port setting (SHOW port).", ["target"]));
        SuperuserReservedConnections = PerTargetServer(factory.CreateGauge("pgreach_superuser_reserved_connections",
            "The superuser_reserved_connections setting: slots only superusers may use.", ["target"]));
        ReservedConnections = PerTargetServer(factory.CreateGauge("pgreach_reserved_connections",
            "The reserved_connections setting (PostgreSQL 16+): slots only for roles with pg_use_reserved_connections.", ["target"]));
        HbaClientAllowed = KeyedServer(LabelledValueFamily.Gauge("pgreach_hba_client_allowed",
            "What the pg_hba.conf rules in force do with each declared expected client: 1 allowed, 0 rejected or no matching line, -1 unknown (also while a change pending since before the agent started hides them).",
            ["target", "client"]));
        HbaClientAllowedAfterReload = KeyedServer(LabelledValueFamily.Gauge("pgreach_hba_client_allowed_after_reload",
            "What the rules in force after a reload would do with each expected client (pg_hba.conf on disk, or the rules in force when it would not load): 1 allowed, 0 rejected or no matching line, -1 unknown.",
            ["target", "client"]));
        HbaClientMatchedLine = KeyedServer(LabelledValueFamily.Gauge("pgreach_hba_client_matched_line",
            "Line number (within its file) of the first pg_hba.conf line matching each expected client; 0 when no line matches or it is unknown.",
            ["target", "client"]));
        HbaShadowedRules = PerTargetServer(factory.CreateGauge("pgreach_hba_shadowed_rules",
            "pg_hba.conf lines that can never be the first match because earlier lines cover everything they match.", ["target"]));
        LogEvents = Keyed(LabelledValueFamily.Counter("pgreach_log_events_total",
            "Server log lines of each reachability event since the agent began reading the target's log (LogPath).",
            ["target", "event"]));
        LogLastEventTimestamp = Keyed(LabelledValueFamily.Gauge("pgreach_log_last_event_timestamp_seconds",
            "Unix time of the latest server log line of each event (the line's own time where its zone is unambiguous); absent until one is seen.",
            ["target", "event"]));
        LogListening = Keyed(LabelledValueFamily.Gauge("pgreach_log_listening",
            "1 for each address and port the postmaster said it listens on at its latest start seen in the server log.",
            ["target", "address", "port"]));
        LogLines = PerTarget(accumulating.CreateCounter("pgreach_log_lines_total",
            "Complete server log lines read.", ["target"]));
        LogReadErrors = Keyed(LabelledValueFamily.Counter("pgreach_log_read_errors_total",
            "Problems reading the server log: missing, permission_denied and io once per episode (retried), line_too_long and decode once per line.",
            ["target", "reason"]));
        ListenerBound = Keyed(LabelledValueFamily.Gauge("pgreach_listener_bound",
            "1 for each address a socket listens on at the target's port, from the host's socket table (/proc/net/tcp, tcp6).",
            ["target", "address", "family"]));
        ListenerPresent = AddExposed(TargetValueFamily.Gauge("pgreach_listener_present",
            "1 when any socket listens on the target's port in the host's socket table, 0 when none does; absent when the table is not read or unreadable."), server: false);
        ListenerInfo = Keyed(LabelledValueFamily.Gauge("pgreach_listener_info",
            "The process holding each listening socket on the target's port (its name, or unknown where the agent may not look); always 1.",
            ["target", "address", "family", "process"]));
        // A /probe answer's own two families, never in /metrics.
        ProbeSuccess = probe ? factory.CreateGauge("pgreach_probe_success",
            "1 when the /probe request's cycle connected over TCP and logged in successfully, 0 otherwise (pgreach_up of a scheduled cycle).") : null;
        ProbeDuration = probe ? factory.CreateGauge("pgreach_probe_duration_seconds",
            "Time the /probe request took from its arrival to the end of its cycle (resolution, allowlist check, probes and verdict), in seconds.") : null;
        // The fleet's families: agent-wide, never in a /probe answer.
        TargetInfo = probe ? null : AddExposed(new TargetInfoFamily("pgreach_target_info",
            "Labels of each probed target that PgReach:TargetInfoLabels lists (from its discovery file group or its Labels; empty when it has none); always 1. Join on target to add them to other series."),
            server: false);
        ShardInfo = accumulating.CreateGauge("pgreach_shard_info",
            "The share of the configured targets this agent probes: shard of shards (rendezvous hashing of target names; shard=\"0\", shards=\"1\" without --shard); always 1.",
            ["shard", "shards"]);
        ConfiguredTargets = accumulating.CreateGauge("pgreach_configured_targets",
            "Targets in the configuration (main file and discovery files) before the shard took its share; pgreach_targets is this agent's share, and its sum over the shards equals this.");
        ProbeRequests = accumulating.CreateCounter("pgreach_probe_requests_total",
            "/probe requests by how they were answered: probed (200), bad_request (400), denied (403: outside the module's allowlist, nothing sent), off (404: no module), over_limit (503).",
            ["outcome"]);
        foreach (var outcome in ProbeOutcomes.All)
        {
            ProbeRequests.WithLabels(outcome).Inc(0);
        }

        LoginAttemptsSkipped = accumulating.CreateCounter("pgreach_login_attempts_skipped_total",
            "Login attempts not made, by reason: refused when every address of the target refused its TCP connect in the cycle, timeout when every address timed out after a cycle whose login timed out too; the target's login result is still reported (refused, timeout).",
            ["reason"]);
        foreach (var reason in SkippedLoginReasons.All)
        {
            LoginAttemptsSkipped.WithLabels(reason).Inc(0);
        }

        Targets = accumulating.CreateGauge("pgreach_targets", "Number of targets being probed.");
        BuildInfo = accumulating.CreateGauge("pgreach_build_info", "Build information of the agent; always 1.", ["version"]);
        StageFailures = accumulating.CreateCounter("pgreach_agent_stage_failures_total",
            "Unexpected failures of a stage of the agent's work (a pipeline stage: probe, host, server, verdict, or an output; a target's loop; reconciling the target set); expected probe failures are never counted here.",
            ["stage"]);
        LogEventsDropped = accumulating.CreateCounter("pgreach_log_events_dropped_total",
            "Log events the agent dropped because its log output (stdout) did not keep up; the agent never waits for its log.");
        ConfigReloadSuccessful = accumulating.CreateGauge("pgreach_config_last_reload_successful",
            "1 when the last configuration (re)load was valid and applied, 0 when it was rejected and the last good targets are kept.");
        ConfigReloadSuccessTimestamp = accumulating.CreateGauge("pgreach_config_last_reload_success_timestamp_seconds",
            "Unix time of the last successful configuration load.");
        // Only with --web.config.file: no series at all when there is no web configuration to reload. Agent-wide, so
        // never part of a /probe answer.
        WebConfigReloadSuccessful = accumulating.CreateGauge("pgreach_web_config_last_reload_successful",
            "1 when the last (re)load of the web configuration file (--web.config.file) and the certificates it names was valid and applied, 0 when it was rejected and the last good one is kept.",
            new GaugeConfiguration { SuppressInitialValue = true });
        WebConfigReloadSuccessTimestamp = accumulating.CreateGauge("pgreach_web_config_last_reload_success_timestamp_seconds",
            "Unix time of the last successful load of the web configuration file.", new GaugeConfiguration { SuppressInitialValue = true });
        WebConfigReloads = accumulating.CreateCounter("pgreach_web_config_reloads_total",
            "Reloads of the web configuration file and its certificates (on a change of a file or SIGHUP), by result: success or failure.", ["result"]);
    }

    /// <summary>Which per-target families this agent exports; the full-only ones are null under the lean profile.</summary>
    public SeriesProfile Profile { get; }

    public OneHotGauge<TcpConnectResult> TcpConnectResult { get; }
    public TargetValueFamily TlsCertificateExpiry { get; }
    public LabelledValueFamily TlsInfo { get; }
    public TargetValueFamily? TlsHandshakeDuration { get; }
    public LabelledValueFamily? TcpConnectDuration { get; }
    public ResultCounter<TcpConnectResult> TcpProbes { get; }
    public OneHotGauge<LoginResult> LoginResult { get; }
    public TargetValueFamily? LoginDuration { get; }
    public ResultCounter<LoginResult>? LoginProbes { get; }
    public TargetValueFamily? LoginServerVersion { get; }
    public LabelledValueFamily? DnsAddresses { get; }
    public TargetValueFamily? DnsLookupDuration { get; }
    public TargetValueFamily Up { get; }
    public TargetValueFamily LastProbeTimestamp { get; }
    public TargetValueFamily? CycleDuration { get; }
    public TargetValueFamily Overruns { get; }
    public LabelledValueFamily Diagnosis { get; }
    public TargetValueFamily? DiagnosisChanges { get; }
    public Gauge MonitoringUp { get; }
    public OneHotGauge<ServerCheckResult> ServerCheckResult { get; }
    public Gauge ServerChecksDuration { get; }
    public LabelledValueFamily ServerInfo { get; }
    public LabelledValueFamily SettingPendingRestart { get; }
    public Gauge PostmasterStartTime { get; }
    public Gauge ConfigLoadTime { get; }
    public Gauge TlsCertificateFileExpiry { get; }
    public Gauge HbaRules { get; }
    public Gauge HbaRuleErrors { get; }
    public LabelledValueFamily HbaRuleErrorInfo { get; }
    public Gauge HbaFileLoadable { get; }
    public Gauge HbaReloadPending { get; }
    public LabelledValueFamily Connections { get; }
    public Gauge MaxConnections { get; }

    public Gauge ServerPort { get; }
    public Gauge SuperuserReservedConnections { get; }
    public Gauge ReservedConnections { get; }
    public LabelledValueFamily HbaClientAllowed { get; }
    public LabelledValueFamily HbaClientAllowedAfterReload { get; }
    public LabelledValueFamily HbaClientMatchedLine { get; }
    public Gauge HbaShadowedRules { get; }
    public LabelledValueFamily LogEvents { get; }
    public LabelledValueFamily LogLastEventTimestamp { get; }
    public LabelledValueFamily LogListening { get; }
    public Counter LogLines { get; }
    public LabelledValueFamily LogReadErrors { get; }
    public LabelledValueFamily ListenerBound { get; }
    public TargetValueFamily ListenerPresent { get; }
    public LabelledValueFamily ListenerInfo { get; }
    /// <summary>Only in a /probe answer (<see cref="ForProbe"/>).</summary>
    public Gauge? ProbeSuccess { get; }

    /// <summary>Only in a /probe answer (<see cref="ForProbe"/>).</summary>
    public Gauge? ProbeDuration { get; }
    public Counter ProbeRequests { get; }

    /// <summary>Only in the agent's own metrics, not in a /probe answer.</summary>
    public TargetInfoFamily? TargetInfo { get; }
    public Gauge ShardInfo { get; }
    public Gauge ConfiguredTargets { get; }
    public Counter LoginAttemptsSkipped { get; }
    public Gauge Targets { get; }
    public Gauge BuildInfo { get; }
    public Counter StageFailures { get; }
    public Counter LogEventsDropped { get; }
    public Gauge ConfigReloadSuccessful { get; }
    public Gauge ConfigReloadSuccessTimestamp { get; }
    public Gauge WebConfigReloadSuccessful { get; }
    public Gauge WebConfigReloadSuccessTimestamp { get; }
    public Counter WebConfigReloads { get; }

    /// <summary>
    /// The families of one /probe answer, on <paramref name="registry"/>: the per-target gauges of a cycle and the probe's
    /// own two; counters and the agent-wide families go to a registry that is never exported (a single request has no rate).
    /// </summary>
    public static ReachMetrics ForProbe(CollectorRegistry registry) =>
        new(Prometheus.Metrics.WithCustomRegistry(registry), Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry()), probe: true);

    /// <summary>The families written by the agent itself rather than by prometheus-net (see <see cref="OneHotGauge{T}"/>).</summary>
    public IReadOnlyList<IExposedFamily> ExposedFamilies => _exposed;

    /// <summary>
    /// Registers a family whose only label is "target" so that <see cref="RemoveTarget"/> covers it; a family with more
    /// labels is <see cref="Keyed"/>, so that removing a target never scans the family.
    /// </summary>
    public TCollector PerTarget<TCollector>(TCollector family) where TCollector : Collector
    {
        _perTargetRemovers.Add(SingleLabelRemover(family));
        return family;
    }

    /// <summary>A per-target family fed by the monitoring connection, so <see cref="RemoveServerSeries"/> covers it too.</summary>
    public TCollector PerTargetServer<TCollector>(TCollector family) where TCollector : Collector
    {
        _serverRemovers.Add(SingleLabelRemover(family));
        return PerTarget(family);
    }

    /// <summary>A per-target family with labels after "target", written into /metrics by the agent and indexed by target.</summary>
    public LabelledValueFamily Keyed(LabelledValueFamily family) => AddExposed(family, server: false);

    /// <summary>A keyed family fed by the monitoring connection.</summary>
    public LabelledValueFamily KeyedServer(LabelledValueFamily family) => AddExposed(family, server: true);

    private static Action<string> SingleLabelRemover(Collector family) =>
        family.LabelNames is ["target"]
            ? family switch
            {
                Gauge gauge => target => gauge.RemoveLabelled(target),
                Counter counter => target => counter.RemoveLabelled(target),
                _ => throw new ArgumentException($"Unsupported metric family type {family.GetType().Name}", nameof(family)),
            }
            : throw new ArgumentException($"{family.Name} has labels after target: register it with Keyed", nameof(family));

    /// <summary>A one-hot family whose first leading label is "target", written into /metrics by the agent.</summary>
    public OneHotGauge<T> PerTarget<T>(OneHotGauge<T> family) where T : struct, Enum => AddExposed(family, server: false);

    /// <summary>A one-hot family fed by the monitoring connection.</summary>
    public OneHotGauge<T> PerTargetServer<T>(OneHotGauge<T> family) where T : struct, Enum => AddExposed(family, server: true);

    /// <summary>A result counter whose first leading label is "target", written into /metrics by the agent.</summary>
    public ResultCounter<T> PerTarget<T>(ResultCounter<T> family) where T : struct, Enum => AddExposed(family, server: false);

    /// <summary>Drops every server-side series of a target (its monitoring connection was removed, or is down).</summary>
    public void RemoveServerSeries(string target)
    {
        foreach (var remove in _serverRemovers)
        {
            remove(target);
        }
    }

    /// <summary>Drops every series of a target that is no longer configured.</summary>
    public void RemoveTarget(string target)
    {
        foreach (var remove in _perTargetRemovers)
        {
            remove(target);
        }
    }

    private TFamily AddExposed<TFamily>(TFamily family, bool server) where TFamily : IExposedFamily
    {
        if (_exposed.Any(f => f.Name == family.Name))
        {
            throw new ArgumentException($"Metric family {family.Name} is declared twice", nameof(family));
        }

        _exposed.Add(family);
        _perTargetRemovers.Add(family.RemoveTarget);
        if (server)
        {
            _serverRemovers.Add(family.RemoveTarget);
        }

        return family;
    }
}

/// <summary>The reason label values of pgreach_login_attempts_skipped_total: the login result a skipped login reports.</summary>
internal static class SkippedLoginReasons
{
    public static readonly string[] All = [LoginResult.Refused.Label(), LoginResult.Timeout.Label()];
}

/// <summary>The outcome label values of pgreach_probe_requests_total.</summary>
internal static class ProbeOutcomes
{
    public const string Probed = "probed";
    public const string BadRequest = "bad_request";
    public const string Denied = "denied";
    public const string Off = "off";
    public const string OverLimit = "over_limit";

    public static readonly string[] All = [Probed, BadRequest, Denied, Off, OverLimit];
}

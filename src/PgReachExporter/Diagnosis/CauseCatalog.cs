using System.Collections.Frozen;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;

namespace PgReachExporter.Diagnosis;

/// <summary>What is known about a cause: its label, its layer, the verdict in words and the next step.</summary>
/// <param name="Title">One line a person reads as the verdict; may use the placeholders of <see cref="CauseCatalog.Fill"/>.</param>
/// <param name="NextStep">A concrete command or action; same placeholders.</param>
internal sealed record CauseInfo(DiagnosisCause Cause, string Label, DiagnosisLayer Layer, string Title, string NextStep);

/// <summary>The one place that names causes: snake_case labels, layers, titles and next steps.</summary>
internal static class CauseCatalog
{
    private const string Ss = "`ss -tlnp | grep ':{port}\\b'`";
    private const string Reload = "`SELECT pg_reload_conf();`";

    private static readonly CauseInfo[] Entries =
    [
        new(DiagnosisCause.ListenLocalhostOnly, "listen_localhost_only", DiagnosisLayer.Transport,
            "PostgreSQL listens only on loopback, so connections to {host} are refused",
            "On the server run `SHOW listen_addresses;`, set listen_addresses = '*' (or this interface's address) in postgresql.conf, then restart PostgreSQL: a reload is not enough."),
        new(DiagnosisCause.ListenAddressExcluded, "listen_address_excluded", DiagnosisLayer.Transport,
            "PostgreSQL listens on port {port}, but not on the refused address",
            "On the server run `SHOW listen_addresses;` and " + Ss + "; add the refused address to listen_addresses (or connect to an address it lists), then restart PostgreSQL."),
        new(DiagnosisCause.WrongPort, "wrong_port", DiagnosisLayer.Transport,
            "PostgreSQL runs on a different port than {port}",
            "On the server run `SHOW port;` and `ss -tlnp | grep postgres`; point the client at the port PostgreSQL uses, or set port = {port} in postgresql.conf and restart."),
        new(DiagnosisCause.Ipv6NotListening, "ipv6_not_listening", DiagnosisLayer.Transport,
            "PostgreSQL does not listen on IPv6, so IPv6 clients are refused",
            "Check that the host has the IPv6 address (`ip -6 addr`) and that listen_addresses includes it (or '*'), then restart PostgreSQL; until then connect over IPv4."),
        new(DiagnosisCause.BindFailure, "bind_failure", DiagnosisLayer.Transport,
            "PostgreSQL could not bind some of its listen addresses at its last start",
            "Read the \"could not bind\" lines in the server log: \"Address already in use\" means another process holds the port (" + Ss + "), \"Cannot assign requested address\" means listen_addresses names an address this host lacks. Fix it, then restart PostgreSQL."),
        new(DiagnosisCause.NotPostgres, "not_postgres", DiagnosisLayer.Transport,
            "Something other than PostgreSQL answers on {endpoint}",
            "On the server run " + Ss + " to see which process holds port {port}, and check the client's host and port."),
        new(DiagnosisCause.ListenerDown, "listener_down", DiagnosisLayer.Transport,
            "Nothing listens on port {port}: connections are refused",
            "On the server check that PostgreSQL runs and listens: " + Ss + ", `pg_lsclusters` or `systemctl status postgresql`; start it and read the server log for why it stopped. If it runs, `SHOW listen_addresses;` and `SHOW port;`."),

        new(DiagnosisCause.DnsFailure, "dns_failure", DiagnosisLayer.Network,
            "The host name {host} does not resolve",
            "From this host run `getent ahosts {host}`; fix the DNS record or /etc/hosts, or configure the target by IP address."),
        new(DiagnosisCause.FirewallDrop, "firewall_drop", DiagnosisLayer.Network,
            "Connection attempts to port {port} get no answer: a firewall or the network drops them",
            "From this host run `nc -vz -w 5 {host} {port}`; then check the server's firewall (`nft list ruleset`, `iptables -S`) and any cloud security group or network ACL for TCP {port} from this client. Restarting PostgreSQL will not help."),
        new(DiagnosisCause.FirewallReject, "firewall_reject", DiagnosisLayer.Network,
            "PostgreSQL listens on port {port}, but a firewall rejects this client",
            "Look for REJECT rules on the server and on the path (`nft list ruleset`, `iptables -S | grep {port}`) and allow TCP {port} from this client's address."),
        new(DiagnosisCause.NetworkUnreachable, "network_unreachable", DiagnosisLayer.Network,
            "There is no route to {host}, or the path rejects it",
            "From this host run `ip route get <address>` for the unreachable address, then check the routing and any firewall answering with ICMP unreachable for TCP {port}."),

        new(DiagnosisCause.HbaRuleShadowed, "hba_rule_shadowed", DiagnosisLayer.Auth,
            "An earlier pg_hba.conf line blocks a client that a later line would allow",
            "Move the allowing line above the blocking one (the first matching line wins), then " + Reload + "."),
        new(DiagnosisCause.HbaNoEntry, "hba_no_entry", DiagnosisLayer.Auth,
            "No pg_hba.conf line matches the client",
            "Add a line for the client (host, database {database}, user {user}, the client's address, method scram-sha-256), then " + Reload + "; check with `SELECT line_number, type, database, user_name, address, auth_method FROM pg_hba_file_rules;`."),
        new(DiagnosisCause.HbaReject, "hba_reject", DiagnosisLayer.Auth,
            "A pg_hba.conf reject line matches the client",
            "Find the line with `SELECT line_number, database, user_name, address FROM pg_hba_file_rules WHERE auth_method = 'reject';`, put an allowing line above it or narrow it, then " + Reload + "."),
        new(DiagnosisCause.PasswordMissing, "password_missing", DiagnosisLayer.Auth,
            "The server asks user {user} for a password and none is configured",
            "Set the target's Password or PasswordFile (for `diagnose`: PGPASSWORD or --password-file)."),
        new(DiagnosisCause.PasswordFailed, "password_failed", DiagnosisLayer.Auth,
            "The password of user {user} is refused",
            "Check the configured password (a password file's first line is used); if needed reset it with `ALTER ROLE \"{user}\" PASSWORD '...';` and check that pg_hba.conf's method suits how it is stored (`SELECT rolname, left(rolpassword, 14) FROM pg_authid;`)."),
        new(DiagnosisCause.RoleMissing, "role_missing", DiagnosisLayer.Auth,
            "Role {user} does not exist",
            "Fix the user name, or create the role: `CREATE ROLE \"{user}\" LOGIN PASSWORD '...';`."),
        new(DiagnosisCause.DatabaseMissing, "database_missing", DiagnosisLayer.Auth,
            "Database {database} does not exist",
            "List the databases with `SELECT datname FROM pg_database;`, then fix the target's database or create it."),
        new(DiagnosisCause.SslMismatch, "ssl_mismatch", DiagnosisLayer.Auth,
            "Client and server disagree on TLS",
            "Compare the client's sslmode with `SHOW ssl;` and the hostssl/hostnossl lines of pg_hba.conf."),
        new(DiagnosisCause.AuthFailed, "auth_failed", DiagnosisLayer.Auth,
            "Authentication of user {user} fails",
            "Find the method of the matching line (`SELECT line_number, auth_method FROM pg_hba_file_rules;`) and read the server log entry for this connection for the reason."),

        new(DiagnosisCause.TooManyConnections, "too_many_connections", DiagnosisLayer.Capacity,
            "All connection slots are in use: new logins are refused",
            "See who holds them: `SELECT usename, application_name, state, count(*) FROM pg_stat_activity GROUP BY 1, 2, 3 ORDER BY 4 DESC;`; end idle sessions, put a pooler in front, or raise max_connections (needs a restart)."),
        new(DiagnosisCause.ConnectionSaturation, "connection_saturation", DiagnosisLayer.Capacity,
            "Connection slots are nearly used up",
            "See who holds them: `SELECT usename, application_name, state, count(*) FROM pg_stat_activity GROUP BY 1, 2, 3 ORDER BY 4 DESC;`; end idle sessions or put a pooler in front before logins are refused."),

        new(DiagnosisCause.WrongInstance, "wrong_instance", DiagnosisLayer.Server,
            "The client reaches a different PostgreSQL instance than expected",
            "Compare `SELECT system_identifier FROM pg_control_system();` and `SHOW server_version;` with the expected instance, and check the host, port and any proxy or DNS change in between."),
        new(DiagnosisCause.ServerStarting, "server_starting", DiagnosisLayer.Server,
            "The server is starting up and not accepting connections yet",
            "Wait and watch the server log; if it stays like this, a long crash recovery is running."),
        new(DiagnosisCause.ServerShuttingDown, "server_shutting_down", DiagnosisLayer.Server,
            "The server is shutting down",
            "Check who stopped it (server log, `systemctl status postgresql`) and start it again once it is down."),
        new(DiagnosisCause.Recovery, "recovery", DiagnosisLayer.Server,
            "The server is in recovery and not accepting connections",
            "A crash recovery is running, or this is a standby with hot_standby = off: read the server log, and check `SHOW hot_standby;`."),
        new(DiagnosisCause.ServerUnresponsive, "server_unresponsive", DiagnosisLayer.Server,
            "TCP connects, but nothing answers the PostgreSQL startup",
            "On the server run " + Ss + " to see what holds port {port}; check the server's load and any proxy in between."),
        new(DiagnosisCause.LoginError, "login_error", DiagnosisLayer.Server,
            "The login fails for a reason the agent cannot classify",
            "Read the error in the evidence and the server log around the time of the probe."),

        new(DiagnosisCause.HbaSyntaxErrors, "hba_syntax_errors", DiagnosisLayer.Config,
            "pg_hba.conf has lines the server cannot parse",
            "List them with `SELECT file_name, line_number, error FROM pg_hba_file_rules WHERE error IS NOT NULL;`, fix them, then " + Reload + "; until the file loads the server keeps its previous rules and will not start with it."),
        new(DiagnosisCause.HbaReloadPending, "hba_reload_pending", DiagnosisLayer.Config,
            "pg_hba.conf changed after the last reload: its rules are not in force",
            "Run " + Reload + " (or `pg_ctl reload`), then check `SELECT * FROM pg_hba_file_rules WHERE error IS NOT NULL;`."),
        new(DiagnosisCause.ListenAddressesPendingRestart, "listen_addresses_pending_restart", DiagnosisLayer.Config,
            "A changed listen_addresses or port waits for a restart",
            "Check `SELECT name, setting FROM pg_settings WHERE pending_restart;`, then restart PostgreSQL (a reload is not enough); plan for the dropped connections."),

        new(DiagnosisCause.Ok, "ok", DiagnosisLayer.All,
            "Reachable: TCP and login to {endpoint} succeed",
            "Nothing to do."),
    ];

    private static readonly FrozenDictionary<DiagnosisCause, CauseInfo> ByCause = Entries.ToFrozenDictionary(e => e.Cause);

    /// <summary>Every cause, in declaration order.</summary>
    public static IReadOnlyList<CauseInfo> All => Entries;

    public static CauseInfo Info(this DiagnosisCause cause) => ByCause[cause];

    public static string Label(this DiagnosisCause cause) => ByCause[cause].Label;

    public static DiagnosisLayer Layer(this DiagnosisCause cause) => ByCause[cause].Layer;

    /// <summary>Replaces {host}, {port}, {user}, {database} and {endpoint} with the target's values (never its password).</summary>
    public static string Fill(string template, TargetDefinition target) => template
        .Replace("{host}", target.Host, StringComparison.Ordinal)
        .Replace("{port}", target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{user}", target.Username, StringComparison.Ordinal)
        .Replace("{database}", target.Database, StringComparison.Ordinal)
        .Replace("{endpoint}", target.Endpoint, StringComparison.Ordinal);
}

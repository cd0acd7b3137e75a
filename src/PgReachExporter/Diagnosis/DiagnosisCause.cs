using PgReachExporter.Observations;

namespace PgReachExporter.Diagnosis;

/// <summary>
/// Every cause the engine can name, with its label, layer, the verdict in words and the next step: a closed set, and
/// the one place that defines it. Adding a cause is one line here (its place within its layer is its rank: more
/// specific explanations before generic ones, the order findings of one layer and severity are listed in) and the
/// rule that finds it. Titles and next steps may use the placeholders of <see cref="CauseCatalog.Fill"/>.
/// </summary>
internal sealed class DiagnosisCause : IComparable<DiagnosisCause>
{
    private const string Ss = "`ss -tlnp | grep ':{port}\\b'`";
    private const string Reload = "`SELECT pg_reload_conf();`";

    // Declared before the causes: static fields initialise in the order they are written, so every cause below
    // finds the list and takes its rank from its place.
    private static readonly List<DiagnosisCause> Defined = [];

    public static readonly DiagnosisCause ListenLocalhostOnly = new("listen_localhost_only", DiagnosisLayer.Transport,
            "PostgreSQL listens only on loopback, so connections to {host} are refused",
            "On the server run `SHOW listen_addresses;`, set listen_addresses = '*' (or this interface's address) in postgresql.conf, then restart PostgreSQL: a reload is not enough.");
    public static readonly DiagnosisCause ListenAddressExcluded = new("listen_address_excluded", DiagnosisLayer.Transport,
            "PostgreSQL listens on port {port}, but not on the refused address",
            "On the server run `SHOW listen_addresses;` and " + Ss + "; add the refused address to listen_addresses (or connect to an address it lists), then restart PostgreSQL.");
    public static readonly DiagnosisCause WrongPort = new("wrong_port", DiagnosisLayer.Transport,
            "PostgreSQL runs on a different port than {port}",
            "On the server run `SHOW port;` and `ss -tlnp | grep postgres`; point the client at the port PostgreSQL uses, or set port = {port} in postgresql.conf and restart.");
    public static readonly DiagnosisCause Ipv6NotListening = new("ipv6_not_listening", DiagnosisLayer.Transport,
            "PostgreSQL does not listen on IPv6, so IPv6 clients are refused",
            "Check that the host has the IPv6 address (`ip -6 addr`) and that listen_addresses includes it (or '*'), then restart PostgreSQL; until then connect over IPv4.");
    public static readonly DiagnosisCause BindFailure = new("bind_failure", DiagnosisLayer.Transport,
            "PostgreSQL could not bind some of its listen addresses at its last start",
            "Read the \"could not bind\" lines in the server log: \"Address already in use\" means another process holds the port (" + Ss + "), \"Cannot assign requested address\" means listen_addresses names an address this host lacks. Fix it, then restart PostgreSQL.");
    public static readonly DiagnosisCause NotPostgres = new("not_postgres", DiagnosisLayer.Transport,
            "Something other than PostgreSQL answers on {endpoint}",
            "On the server run " + Ss + " to see which process holds port {port}, and check the client's host and port.");
    public static readonly DiagnosisCause ListenerDown = new("listener_down", DiagnosisLayer.Transport,
            "Nothing listens on port {port}: connections are refused",
            "On the server check that PostgreSQL runs and listens: " + Ss + ", `pg_lsclusters` or `systemctl status postgresql`; start it and read the server log for why it stopped. If it runs, `SHOW listen_addresses;` and `SHOW port;`.");

    public static readonly DiagnosisCause DnsFailure = new("dns_failure", DiagnosisLayer.Network,
            "The host name {host} does not resolve",
            "From this host run `getent ahosts {host}`; fix the DNS record or /etc/hosts, or configure the target by IP address.");
    public static readonly DiagnosisCause FirewallDrop = new("firewall_drop", DiagnosisLayer.Network,
            "Connection attempts to port {port} get no answer: a firewall or the network drops them",
            "From this host run `nc -vz -w 5 {host} {port}`; then check the server's firewall (`nft list ruleset`, `iptables -S`) and any cloud security group or network ACL for TCP {port} from this client. Restarting PostgreSQL will not help.");
    public static readonly DiagnosisCause FirewallReject = new("firewall_reject", DiagnosisLayer.Network,
            "PostgreSQL listens on port {port}, but a firewall rejects this client",
            "Look for REJECT rules on the server and on the path (`nft list ruleset`, `iptables -S | grep {port}`) and allow TCP {port} from this client's address.");
    public static readonly DiagnosisCause NetworkUnreachable = new("network_unreachable", DiagnosisLayer.Network,
            "There is no route to {host}, or the path rejects it",
            "From this host run `ip route get <address>` for the unreachable address, then check the routing and any firewall answering with ICMP unreachable for TCP {port}.");

    private const string SClient = "`openssl s_client -starttls postgres -connect {endpoint} -showcerts`";

    public static readonly DiagnosisCause TlsUnsupportedByServer = new("tls_unsupported_by_server", DiagnosisLayer.Tls,
            "The client requires TLS, but the server does not offer it (ssl = off)",
            "On the server run `SHOW ssl;`; set `ssl = on` with ssl_cert_file and ssl_key_file and " + Reload + ", or lower the client's sslmode where the path is trusted.");
    public static readonly DiagnosisCause TlsRequiredByServer = new("tls_required_by_server", DiagnosisLayer.Tls,
            "The server admits {user} only over TLS (hostssl lines), but the client does not use TLS",
            "Set sslmode=require (better verify-full) in the client, or add a `host`/`hostnossl` line if plain connections are meant; check with `SELECT line_number, type, user_name, address FROM pg_hba_file_rules;`.");
    public static readonly DiagnosisCause TlsProtocolMismatch = new("tls_protocol_mismatch", DiagnosisLayer.Tls,
            "Client and server allow no TLS version in common",
            "Compare `SHOW ssl_min_protocol_version; SHOW ssl_max_protocol_version;` with the client's limits (libpq's ssl_min_protocol_version defaults to TLSv1.2) and let them overlap.");
    public static readonly DiagnosisCause TlsCertificateExpired = new("tls_certificate_expired", DiagnosisLayer.Tls,
            "The server's certificate has expired",
            "Renew the certificate in ssl_cert_file (`openssl x509 -noout -enddate -in \"$(psql -Atc 'SHOW ssl_cert_file')\"`), then " + Reload + " (no restart needed).");
    public static readonly DiagnosisCause TlsCertificateNotYetValid = new("tls_certificate_not_yet_valid", DiagnosisLayer.Tls,
            "The server's certificate is not valid yet",
            "Compare the clocks of client and server (`date -u`) with the certificate's notBefore; fix the clock or reissue the certificate.");
    public static readonly DiagnosisCause TlsCertificateUntrusted = new("tls_certificate_untrusted", DiagnosisLayer.Tls,
            "The server's certificate does not chain to the root the client trusts",
            "Compare the issuer in the evidence with the CA in the client's sslrootcert (" + SClient + "); install the new CA bundle if the provider rotated its CA.");
    public static readonly DiagnosisCause TlsHostnameMismatch = new("tls_hostname_mismatch", DiagnosisLayer.Tls,
            "The server's certificate does not name {host} (sslmode verify-full)",
            "Connect with a name the certificate lists (see the evidence), or reissue the certificate with {host} in its subjectAltName.");
    public static readonly DiagnosisCause TlsClientCertificate = new("tls_client_certificate_required_or_rejected", DiagnosisLayer.Tls,
            "The server requires a client certificate that it did not get or does not trust",
            "Give the client sslcert and sslkey signed by a CA in the server's ssl_ca_file; check `clientcert=` and the `cert` method on the matching hostssl line of pg_hba.conf.");
    public static readonly DiagnosisCause TlsCertificateExpiring = new("tls_certificate_expiring", DiagnosisLayer.Tls,
            "The server's certificate expires soon",
            "Renew the certificate in ssl_cert_file before the date in the evidence, then " + Reload + "; " + SClient + " shows what clients get.");
    public static readonly DiagnosisCause TlsCertificateChangePending = new("tls_certificate_change_pending", DiagnosisLayer.Tls,
            "The certificate in ssl_cert_file is not the one the server presents: the next reload changes it",
            "Read the file's certificate (`openssl x509 -noout -subject -issuer -enddate -fingerprint -sha256 -in \"$(psql -Atc 'SHOW ssl_cert_file')\"`) against the evidence: if it is the one to serve, " + Reload + "; if not, put the right one back before the next reload or restart.");
    public static readonly DiagnosisCause TlsHandshakeFailed = new("tls_handshake_failed", DiagnosisLayer.Tls,
            "The TLS handshake with the server fails",
            "Run " + SClient + " from this host and read the alert; the server log says the server's side (`could not accept SSL connection`).");

    public static readonly DiagnosisCause HbaRuleShadowed = new("hba_rule_shadowed", DiagnosisLayer.Auth,
            "An earlier pg_hba.conf line blocks a client that a later line would allow",
            "Move the allowing line above the blocking one (the first matching line wins), then " + Reload + ".");
    public static readonly DiagnosisCause HbaNoEntry = new("hba_no_entry", DiagnosisLayer.Auth,
            "No pg_hba.conf line matches the client",
            "Add a line for the client (host, database {database}, user {user}, the client's address, method scram-sha-256), then " + Reload + "; check with `SELECT line_number, type, database, user_name, address, auth_method FROM pg_hba_file_rules;`.");
    public static readonly DiagnosisCause HbaReject = new("hba_reject", DiagnosisLayer.Auth,
            "A pg_hba.conf reject line matches the client",
            "Find the line with `SELECT line_number, database, user_name, address FROM pg_hba_file_rules WHERE auth_method = 'reject';`, put an allowing line above it or narrow it, then " + Reload + ".");
    public static readonly DiagnosisCause PasswordMissing = new("password_missing", DiagnosisLayer.Auth,
            "The server asks user {user} for a password and none is configured",
            "Set the target's Password or PasswordFile (for `diagnose`: PGPASSWORD or --password-file).");
    public static readonly DiagnosisCause PasswordFailed = new("password_failed", DiagnosisLayer.Auth,
            "The password of user {user} is refused",
            "Check the configured password (a password file's first line is used); if needed reset it with `ALTER ROLE \"{user}\" PASSWORD '...';` and check that pg_hba.conf's method suits how it is stored (`SELECT rolname, left(rolpassword, 14) FROM pg_authid;`).");
    public static readonly DiagnosisCause RoleMissing = new("role_missing", DiagnosisLayer.Auth,
            "Role {user} does not exist",
            "Fix the user name, or create the role: `CREATE ROLE \"{user}\" LOGIN PASSWORD '...';`.");
    public static readonly DiagnosisCause DatabaseMissing = new("database_missing", DiagnosisLayer.Auth,
            "Database {database} does not exist",
            "List the databases with `SELECT datname FROM pg_database;`, then fix the target's database or create it.");
    public static readonly DiagnosisCause AuthFailed = new("auth_failed", DiagnosisLayer.Auth,
            "Authentication of user {user} fails",
            "Find the method of the matching line (`SELECT line_number, auth_method FROM pg_hba_file_rules;`) and read the server log entry for this connection for the reason.");

    public static readonly DiagnosisCause TooManyConnections = new("too_many_connections", DiagnosisLayer.Capacity,
            "All connection slots are in use: new logins are refused",
            "See who holds them: `SELECT usename, application_name, state, count(*) FROM pg_stat_activity GROUP BY 1, 2, 3 ORDER BY 4 DESC;`; end idle sessions, put a pooler in front, or raise max_connections (needs a restart).");
    public static readonly DiagnosisCause ConnectionSaturation = new("connection_saturation", DiagnosisLayer.Capacity,
            "Connection slots are nearly used up",
            "See who holds them: `SELECT usename, application_name, state, count(*) FROM pg_stat_activity GROUP BY 1, 2, 3 ORDER BY 4 DESC;`; end idle sessions or put a pooler in front before logins are refused.");

    public static readonly DiagnosisCause WrongInstance = new("wrong_instance", DiagnosisLayer.Server,
            "The client reaches a different PostgreSQL instance than expected",
            "Compare `SELECT system_identifier FROM pg_control_system();` and `SHOW server_version;` with the expected instance, and check the host, port and any proxy or DNS change in between.");
    public static readonly DiagnosisCause ServerStarting = new("server_starting", DiagnosisLayer.Server,
            "The server is starting up and not accepting connections yet",
            "Wait and watch the server log; if it stays like this, a long crash recovery is running.");
    public static readonly DiagnosisCause ServerShuttingDown = new("server_shutting_down", DiagnosisLayer.Server,
            "The server is shutting down",
            "Check who stopped it (server log, `systemctl status postgresql`) and start it again once it is down.");
    public static readonly DiagnosisCause Recovery = new("recovery", DiagnosisLayer.Server,
            "The server is in recovery and not accepting connections",
            "A crash recovery is running, or this is a standby with hot_standby = off: read the server log, and check `SHOW hot_standby;`.");
    public static readonly DiagnosisCause ServerUnresponsive = new("server_unresponsive", DiagnosisLayer.Server,
            "TCP connects, but nothing answers the PostgreSQL startup",
            "On the server run " + Ss + " to see what holds port {port}; check the server's load and any proxy in between.");
    public static readonly DiagnosisCause LoginError = new("login_error", DiagnosisLayer.Server,
            "The login fails for a reason the agent cannot classify",
            "Read the error in the evidence and the server log around the time of the probe.");

    public static readonly DiagnosisCause HbaSyntaxErrors = new("hba_syntax_errors", DiagnosisLayer.Config,
            "pg_hba.conf has lines the server cannot parse",
            "List them with `SELECT file_name, line_number, error FROM pg_hba_file_rules WHERE error IS NOT NULL;`, fix them, then " + Reload + "; until the file loads the server keeps its previous rules and will not start with it.");
    public static readonly DiagnosisCause HbaReloadWouldLockOut = new("hba_reload_would_lock_out", DiagnosisLayer.Config,
            "A reload of the changed pg_hba.conf would lock out an expected client",
            "Do not reload yet: compare the file with the line that admits the client now (`SELECT line_number, type, database, user_name, address, auth_method FROM pg_hba_file_rules;` shows the file on disk), restore or add the client's line, then " + Reload + ".");
    public static readonly DiagnosisCause HbaReloadWouldFail = new("hba_reload_would_fail", DiagnosisLayer.Config,
            "pg_hba.conf on disk would not load: a reload keeps the old rules",
            "Fix the lines listed (`SELECT file_name, line_number, error FROM pg_hba_file_rules WHERE error IS NOT NULL;`), then " + Reload + " and check the log for \"pg_hba.conf was not reloaded\"; a restart with this file would fail.");
    public static readonly DiagnosisCause RestartWouldUnbind = new("restart_would_unbind", DiagnosisLayer.Config,
            "A restart would stop listening where clients connect",
            "Do not restart yet: compare `SELECT name, setting, sourcefile, sourceline FROM pg_file_settings WHERE name IN ('listen_addresses', 'port');` with `SHOW listen_addresses; SHOW port;`, keep the probed address and port in the new value (or `ALTER SYSTEM RESET` it), then restart.");
    public static readonly DiagnosisCause HbaReloadPending = new("hba_reload_pending", DiagnosisLayer.Config,
            "pg_hba.conf changed after the last reload: its rules are not in force",
            "Run " + Reload + " (or `pg_ctl reload`), then check `SELECT * FROM pg_hba_file_rules WHERE error IS NOT NULL;`.");
    public static readonly DiagnosisCause ListenAddressesPendingRestart = new("listen_addresses_pending_restart", DiagnosisLayer.Config,
            "A changed listen_addresses or port waits for a restart",
            "Check `SELECT name, setting FROM pg_settings WHERE pending_restart;`, then restart PostgreSQL (a reload is not enough); plan for the dropped connections.");
    public static readonly DiagnosisCause HbaReloadWouldAdmit = new("hba_reload_would_admit", DiagnosisLayer.Config,
            "A reload of the changed pg_hba.conf would admit an expected client refused now",
            "If that is the intent, run " + Reload + "; the client can log in after it.");

    public static readonly DiagnosisCause Ok = new("ok", DiagnosisLayer.All,
            "Reachable: TCP and login to {endpoint} succeed",
            "Nothing to do.");

    private DiagnosisCause(string label, DiagnosisLayer layer, string title, string nextStep)
    {
        Label = label;
        Layer = layer;
        Title = title;
        NextStep = nextStep;
        Rank = Defined.Count;
        Defined.Add(this);
    }

    /// <summary>Every cause, in rank order.</summary>
    public static IReadOnlyList<DiagnosisCause> All => Defined;

    /// <summary>The snake_case label of metrics, the API and alerts.</summary>
    public string Label { get; }

    public DiagnosisLayer Layer { get; }

    /// <summary>One line a person reads as the verdict.</summary>
    public string Title { get; }

    /// <summary>A concrete command or action.</summary>
    public string NextStep { get; }

    /// <summary>Its place in <see cref="All"/>: the order of findings within a layer and severity.</summary>
    public int Rank { get; }

    public int CompareTo(DiagnosisCause? other) => other is null ? 1 : Rank.CompareTo(other.Rank);

    public override string ToString() => Label;
}

using System.Collections.Immutable;
using PgReachExporter.Configuration;
using PgReachExporter.Hba;
using PgReachExporter.Observations;
using PgReachExporter.Probes.ServerChecks;

namespace PgReachExporter.Tests.ServerChecks;

/// <summary>Server views as a monitoring connection would produce them, for writer tests.</summary>
internal static class ServerViews
{
    public static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    public static readonly ExpectedClientDefinition AppSubnet = new("app-subnet", "10.0.1.0/24", "orders", "app", "host");

    public static TargetDefinition Target(params ExpectedClientDefinition[] clients) => new()
    {
        Name = "orders", Host = "db", Port = 5432, Database = "orders", Username = "app",
        ConnectTimeout = TimeSpan.FromSeconds(1), Interval = TimeSpan.FromSeconds(5),
        Monitoring = new MonitoringDefinition
        {
            Host = "/run/pg", Port = 5432, Database = "postgres", Username = "monitor",
            ConnectTimeout = TimeSpan.FromSeconds(1), StatementTimeout = TimeSpan.FromSeconds(2),
        },
        ExpectedClients = new ValueList<ExpectedClientDefinition>(clients),
    };

    public static ServerSettings Settings(int major = 16, params string[] pending)
    {
        var values = new Dictionary<string, string>
        {
            ["listen_addresses"] = "localhost", ["port"] = "5432", ["hba_file"] = "/etc/pg/pg_hba.conf",
            ["unix_socket_directories"] = "/run/pg", ["max_connections"] = "100", ["superuser_reserved_connections"] = "3",
        };
        if (major >= 16)
        {
            values["reserved_connections"] = "2";
        }

        return new ServerSettings(values.ToImmutableDictionary(), [.. pending], []);
    }

    /// <summary>listen_addresses and port as postgresql.conf sets them, the same as <see cref="Settings"/>'s.</summary>
    public static readonly FileSettings FileSettings = new(new Dictionary<string, FileSetting>
    {
        ["listen_addresses"] = new("listen_addresses", "localhost", "/etc/pg/postgresql.conf", 60),
        ["port"] = new("port", "5432", "/etc/pg/postgresql.conf", 64),
    }.ToImmutableDictionary());

    public static readonly ServerIdentity Identity = new(160004, "16.4", "10.0.0.5", 5432, "7351234567890123456",
        At.AddHours(-1), At.AddMinutes(-5), InRecovery: false);

    public static HbaRule Rule(int line, string type, string database, string user, string? address, string method, string? file = "/etc/pg/pg_hba.conf") => new()
    {
        LineNumber = line, FileName = file, Type = type, Databases = [database], Users = [user],
        Address = address, Netmask = address is null ? null : "255.255.255.0", AuthMethod = method,
    };

    public static HbaRule ErrorRow(int line, string error, string? type = null, string? file = "/etc/pg/pg_hba.conf") =>
        new() { LineNumber = line, FileName = file, Type = type, Error = error };

    public static ServerView Connected(
        TargetDefinition target,
        HbaFileRules? rules = null,
        ServerSettings? settings = null,
        ConnectionCounts? connections = null,
        bool reloadPending = false)
    {
        rules ??= new HbaFileRules([Rule(1, "host", "all", "all", "10.0.1.0", "scram-sha-256")]);
        var hba = HbaEvaluation.Evaluate(target.ExpectedClients, rules, new RoleGraph(["app", "monitor"], []));

        // Nothing pending: the rules after a reload are the rules in force.
        return new ServerView
        {
            Target = target.Name,
            CollectedAt = At,
            Duration = TimeSpan.FromMilliseconds(7),
            Connected = true,
            Runs =
            [
                new(SettingsCheck.Name, CheckOutcome<ServerSettings>.Ok(settings ?? Settings())),
                new(FileSettingsCheck.Name, CheckOutcome<FileSettings>.Ok(FileSettings)),
                new(IdentityCheck.Name, CheckOutcome<ServerIdentity>.Ok(Identity)),
                new(HbaRulesCheck.Name, CheckOutcome<HbaFileRules>.Ok(rules)),
                new(HbaReloadCheck.Name, CheckOutcome<HbaReloadState>.Ok(new HbaReloadState(At.AddMinutes(reloadPending ? -1 : -10), At.AddMinutes(-5)))),
                new(ConnectionsCheck.Name, CheckOutcome<ConnectionCounts>.Ok(connections ?? new ConnectionCounts(
                    ImmutableDictionary<BackendState, int>.Empty.Add(BackendState.Active, 3).Add(BackendState.Idle, 40)))),
                new(RolesCheck.Name, CheckOutcome<RoleGraph>.Ok(new RoleGraph(["app", "monitor"], []))),
                new(CertificateFileCheck.Name, CheckOutcome<ServerCertificateFile>.Ok(new ServerCertificateFile(false, "server.crt", [], null))),
            ],
            Hba = hba,
            HbaAfterReload = hba,
        };
    }
}

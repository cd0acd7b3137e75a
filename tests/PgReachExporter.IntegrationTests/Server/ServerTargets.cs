using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;

namespace PgReachExporter.IntegrationTests.Server;

/// <summary>Target objects with a monitoring connection, in the documented configuration shape.</summary>
internal static class ServerTargets
{
    public const string ProbeUser = "app";
    public const string ProbePassword = "app-secret";

    /// <summary>A target probing the cluster over 127.0.0.1 as <see cref="ProbeUser"/>, every second.</summary>
    public static Dictionary<string, object?> Target(
        string name,
        PostgresCluster cluster,
        Dictionary<string, object?>? monitoring,
        IEnumerable<object>? expectedClients = null,
        object? expect = null)
    {
        var target = RunningAgent.Target(name, "127.0.0.1", cluster.Port, ProbeUser, ProbePassword, timeout: "500ms", interval: "1s");
        target["Monitoring"] = monitoring is null ? null : WithoutNulls(monitoring);
        target["ExpectedClients"] = expectedClients?.ToArray();
        target["Expect"] = expect;
        return target;
    }

    /// <summary>The fixture's superuser over the cluster's Unix socket (trust).</summary>
    public static Dictionary<string, object?> Superuser(PostgresCluster cluster, bool readServerLog = false) => new()
    {
        ["Host"] = cluster.SocketDirectory, ["Port"] = cluster.Port, ["Username"] = PostgresCluster.Superuser, ["ReadServerLog"] = readServerLog,
    };

    /// <summary>A password role over TCP to 127.0.0.1.</summary>
    public static Dictionary<string, object?> Role(PostgresCluster cluster, string username, string password = MonitoringRoles.Password, bool readServerLog = false) => new()
    {
        ["Host"] = "127.0.0.1", ["Port"] = cluster.Port, ["Username"] = username, ["Password"] = password, ["ReadServerLog"] = readServerLog,
    };

    public static object Client(string name, string address, string database, string user, string type = "host") =>
        new { Name = name, Address = address, Database = database, User = user, Type = type };

    public static object Config(params Dictionary<string, object?>[] targets) =>
        new { PgReach = new { Interval = "1s", ConnectTimeout = "500ms", Targets = targets.Select(WithoutNulls).ToArray() } };

    /// <summary>Creates the probe's role.</summary>
    public static Task CreateProbeRoleAsync(PostgresCluster cluster) => cluster.CreateRoleAsync(ProbeUser, ProbePassword);

    private static Dictionary<string, object?> WithoutNulls(Dictionary<string, object?> values) =>
        values.Where(kv => kv.Value is not null).ToDictionary();
}

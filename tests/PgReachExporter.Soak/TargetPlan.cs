using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace PgReachExporter.Soak;

/// <summary>
/// Spreads the targets over the kinds: 40 % healthy (round robin over the clusters; the first of each cluster with
/// LogPath and a Monitoring connection over the Unix socket as the superuser, the second with LogPath only),
/// 20 % pg_hba refusals (half without a line, half rejected), 20 % refused ports, the rest black holes (half
/// permanent, half switched).
/// </summary>
internal static class TargetPlan
{
    public static readonly IPAddress RefusedAddress = IPAddress.Parse("127.0.0.2");
    public static readonly IPAddress BlackHoleAddress = IPAddress.Parse("127.0.0.3");
    public static readonly IPAddress SwitchedAddress = IPAddress.Parse("127.0.0.4");

    public static IReadOnlyList<SoakTarget> Build(int count, IReadOnlyList<SoakCluster> clusters, string passwordFile, IPEndPoint blackHole, IPEndPoint switched)
    {
        var healthy = count * 40 / 100;
        var hba = count * 20 / 100;
        var refused = count * 20 / 100;
        var holes = count - healthy - hba - refused;
        var targets = new List<SoakTarget>(count);
        for (var i = 0; i < healthy; i++)
        {
            var cluster = clusters[i % clusters.Count];
            var nth = i / clusters.Count;
            var json = Login(cluster, SoakCluster.AppRole, passwordFile);
            if (nth <= 1)
            {
                json["LogPath"] = cluster.LogGlob;
            }

            if (nth == 0)
            {
                json["Monitoring"] = new JsonObject { ["Uri"] = cluster.MonitoringUri };
            }

            targets.Add(Named($"{cluster.Name}-ok-{nth}", SoakTargetKind.Healthy, cluster, json));
        }

        for (var i = 0; i < hba; i++)
        {
            var cluster = clusters[i % clusters.Count];
            var (kind, role, label) = i % 2 == 0
                ? (SoakTargetKind.NoHbaEntry, SoakCluster.NoHbaRole, "nohba")
                : (SoakTargetKind.HbaReject, SoakCluster.RejectedRole, "reject");
            targets.Add(Named($"{cluster.Name}-{label}-{i / clusters.Count}", kind, cluster, Login(cluster, role, passwordFile)));
        }

        for (var i = 0; i < refused; i++)
        {
            targets.Add(Refused($"refused-{i}"));
        }

        for (var i = 0; i < holes; i++)
        {
            var (kind, endPoint, label) = i % 2 == 0
                ? (SoakTargetKind.BlackHole, blackHole, "hole")
                : (SoakTargetKind.SwitchedBlackHole, switched, "switched");
            targets.Add(Named($"{label}-{i / 2}", kind, null, Endpoint(endPoint)));
        }

        return targets;
    }

    /// <summary>A target on a port nothing listens on, for the "add a target" edit.</summary>
    public static SoakTarget Refused(string name) => Named(name, SoakTargetKind.Refused, null, Endpoint(new IPEndPoint(RefusedAddress, FreePort(RefusedAddress))));

    private static SoakTarget Named(string name, SoakTargetKind kind, SoakCluster? cluster, JsonObject json)
    {
        json.Insert(0, "Name", name);
        return new(name, kind, cluster, json);
    }

    private static JsonObject Login(SoakCluster cluster, string role, string passwordFile) => new()
    {
        ["Host"] = "127.0.0.1",
        ["Port"] = cluster.Port,
        ["Database"] = "postgres",
        ["Username"] = role,
        ["PasswordFile"] = passwordFile, // the password itself never enters the config, the agent's log or the report
        ["SslMode"] = "Disable",
    };

    private static JsonObject Endpoint(IPEndPoint endPoint) => new()
    {
        ["Host"] = endPoint.Address.ToString(),
        ["Port"] = endPoint.Port,
        ["Database"] = "postgres",
        ["Username"] = SoakCluster.AppRole,
    };

    private static int FreePort(IPAddress address)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

using System.Text.Json.Nodes;

namespace PgReachExporter.Soak;

/// <summary>What a target points at, and so what the agent should see for it.</summary>
internal enum SoakTargetKind
{
    /// <summary>A soak cluster, logging in as the app role with its password file.</summary>
    Healthy,

    /// <summary>A soak cluster, as a role without a pg_hba.conf line: no_hba_entry.</summary>
    NoHbaEntry,

    /// <summary>A soak cluster, as a role a reject line matches: hba_reject.</summary>
    HbaReject,

    /// <summary>A free port on 127.0.0.2: refused.</summary>
    Refused,

    /// <summary>The permanent black hole on 127.0.0.3: timeout.</summary>
    BlackHole,

    /// <summary>The black hole on 127.0.0.4 that the chaos switches on (timeout) and off (refused).</summary>
    SwitchedBlackHole,
}

/// <summary>One target of the agent's config, with its JSON as written.</summary>
internal sealed record SoakTarget(string Name, SoakTargetKind Kind, SoakCluster? Cluster, JsonObject Json)
{
    /// <summary>A target that also reads the cluster's log (LogPath).</summary>
    public bool ReadsLog => Json.ContainsKey("LogPath");

    /// <summary>A target with a monitoring connection (the server's own view).</summary>
    public bool Monitored => Json.ContainsKey("Monitoring");
}

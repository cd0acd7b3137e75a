using PgReachExporter.Configuration;
namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>How a throwaway <see cref="PostgresCluster"/> is configured; every property has a working default.</summary>
public sealed record ClusterOptions
{
    public static readonly IReadOnlyList<string> DefaultHbaLines =
    [
        "host all all 127.0.0.1/32 scram-sha-256",
        "host all all ::1/128 scram-sha-256",
    ];

    public static readonly IReadOnlyList<string> LogFormats = ["stderr", "csvlog", "jsonlog"];

    /// <summary>PostgreSQL major version; null means <see cref="PostgresBinaries.Default"/>.</summary>
    public int? Major { get; init; }

    /// <summary>The listen_addresses setting, e.g. "127.0.0.1", "::1", "127.0.0.1,::1" or "" (Unix socket only).</summary>
    public string ListenAddresses { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one on the first listen address.</summary>
    public int Port { get; init; }

    /// <summary>
    /// pg_hba.conf rules; null means <see cref="DefaultHbaLines"/>. The fixture always puts
    /// <see cref="PostgresCluster.SuperuserHbaLine"/> first so that it keeps its own access.
    /// </summary>
    public IReadOnlyList<string>? HbaLines { get; init; }

    /// <summary>Further postgresql.conf settings (name to unquoted value); they win over the fixture's own.</summary>
    public IReadOnlyDictionary<string, string> ExtraConfig { get; init; } = new Dictionary<string, string>();

    /// <summary>log_destination: "stderr", "csvlog" or "jsonlog"; the logging collector is always on.</summary>
    public string LogFormat { get; init; } = "stderr";

    /// <summary>max_connections; null keeps the server default.</summary>
    public int? MaxConnections { get; init; }

    /// <summary>
    /// When false, a server that fails to start (e.g. cannot bind) is not an error: StartAsync still waits
    /// until the server is either ready or gone, then returns the cluster for inspection.
    /// </summary>
    public bool WaitForReady { get; init; } = true;

    internal void Validate()
    {
        if (!LogFormats.Contains(LogFormat))
        {
            throw new ArgumentException($"ClusterOptions.LogFormat '{LogFormat}' is not one of {string.Join(", ", LogFormats)}.");
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"ClusterOptions.Port {Port} is outside 0..65535.");
        }
    }
}

namespace PgReachExporter.Observations;

/// <summary>What the identity check read.</summary>
/// <param name="VersionNumber">server_version_num, e.g. 160004.</param>
/// <param name="Version">server_version, e.g. "16.4".</param>
/// <param name="ServerAddress">The address the monitoring connection reached; null over a Unix socket.</param>
/// <param name="ServerPort">The port it reached; null over a Unix socket.</param>
/// <param name="SystemIdentifier">pg_control_system().system_identifier as digits.</param>
internal sealed record ServerIdentity(
    int VersionNumber,
    string Version,
    string? ServerAddress,
    int? ServerPort,
    string? SystemIdentifier,
    DateTimeOffset PostmasterStartTime,
    DateTimeOffset ConfigLoadTime,
    bool InRecovery)
{
    public int Major => VersionNumber / 10000;
}

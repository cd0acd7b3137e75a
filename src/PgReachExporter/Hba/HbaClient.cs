namespace PgReachExporter.Hba;

/// <summary>A client a target expects to admit: where it connects from, to which database, as whom, and how.</summary>
/// <param name="Name">Label chosen by the operator; not used for matching.</param>
/// <param name="Address">
/// The client's IP address, or a CIDR for a whole subnet of clients (host bits are ignored); null for
/// <see cref="HbaConnectionType.Local"/>. A TCP client without an address makes every address-dependent line unknown.
/// </param>
/// <param name="Database">Database name exactly as the client sends it (matching is case-sensitive).</param>
/// <param name="User">Role name exactly as the client sends it (matching is case-sensitive).</param>
/// <param name="ConnectionType">How the client connects; see <see cref="HbaConnectionType"/> for what each means for a client.</param>
/// <param name="PhysicalReplication">A walsender connection (replication=true): only the replication keyword matches its database.</param>
internal sealed record HbaClient(
    string Name,
    string? Address,
    string Database,
    string User,
    HbaConnectionType ConnectionType = HbaConnectionType.Host,
    bool PhysicalReplication = false)
{
    /// <summary>"host from 10.0.1.5 to orders as app", for messages.</summary>
    public string Describe()
    {
        var from = ConnectionType == HbaConnectionType.Local ? "over the Unix socket" : $"from {Address ?? "an unknown address"}";
        var database = PhysicalReplication ? "physical replication" : $"database {Database}";
        return $"{ConnectionType.ToKeyword()} connection {from} to {database} as user {User}";
    }
}

namespace PgReachExporter.Configuration;

/// <summary>A client the target is expected to admit, as declared in the configuration; checked against pg_hba.conf.</summary>
/// <param name="Name">Unique within the target; becomes the "client" label.</param>
/// <param name="Address">An IP address or a CIDR (host bits allowed); null for a "local" client.</param>
/// <param name="Database">The database the client asks for.</param>
/// <param name="User">The role the client logs in as.</param>
/// <param name="Type">The pg_hba connection type it uses: local, host, hostssl, hostnossl, hostgssenc or hostnogssenc.</param>
internal sealed record ExpectedClientDefinition(string Name, string? Address, string Database, string User, string Type)
{
    public const string DefaultType = "host";

    public static readonly IReadOnlyList<string> Types = ["local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc"];
}

namespace PgReachExporter.Configuration;

/// <summary>What the server behind a target should say about itself; a null field is not checked.</summary>
internal sealed record ExpectedIdentity
{
    public static readonly ExpectedIdentity None = new();

    /// <summary>The port the server should report (inet_server_port / SHOW port).</summary>
    public int? Port { get; init; }

    /// <summary>The major version, e.g. 16.</summary>
    public int? VersionMajor { get; init; }

    /// <summary>pg_control_system().system_identifier, as decimal digits.</summary>
    public string? SystemIdentifier { get; init; }

    public bool IsEmpty => Port is null && VersionMajor is null && SystemIdentifier is null;
}

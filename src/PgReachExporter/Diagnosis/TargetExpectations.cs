namespace PgReachExporter.Diagnosis;

/// <summary>What a target is expected to be; a null expectation is not checked.</summary>
internal sealed record TargetExpectations
{
    public const double DefaultSaturationThreshold = 0.9;

    public static readonly TargetExpectations None = new();

    /// <summary>The port the server should report; null means the target's configured port.</summary>
    public int? Port { get; init; }

    /// <summary>The server's expected major version, e.g. 16.</summary>
    public int? VersionMajor { get; init; }

    /// <summary>The expected system identifier (pg_control_system().system_identifier), as text.</summary>
    public string? SystemIdentifier { get; init; }

    /// <summary>Share of usable connection slots (max_connections minus reserved) in use from which saturation is reported.</summary>
    public double SaturationThreshold { get; init; } = DefaultSaturationThreshold;
}

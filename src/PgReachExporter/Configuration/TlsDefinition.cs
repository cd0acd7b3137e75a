using Npgsql;

namespace PgReachExporter.Configuration;

/// <summary>
/// A target's TLS files and the TLS probe's switches, validated: the files exist and are regular files (their contents
/// are read by the probe and the login, each time, so that a rotated file is picked up).
/// </summary>
internal sealed record TlsDefinition
{
    /// <summary>libpq's <c>sslrootcert=system</c> (PostgreSQL 16+): the operating system's trusted roots.</summary>
    public const string SystemRoots = "system";

    /// <summary>How long before a certificate's notAfter it counts as expiring, unless configured.</summary>
    public static readonly TimeSpan DefaultExpiryWarning = TimeSpan.FromDays(14);

    // After DefaultExpiryWarning: static fields initialise in the order they are written.
    public static TlsDefinition Default { get; } = new();

    /// <summary>
    /// The root certificates (PEM) the server's chain must reach for verify-ca and verify-full, and for require when
    /// given (as libpq does when its root file exists); <see cref="SystemRoots"/> for the system store; null: none.
    /// </summary>
    public string? RootCert { get; init; }

    /// <summary>The client certificate (PEM) for servers that ask for one (clientcert=verify-ca|verify-full, cert).</summary>
    public string? Cert { get; init; }

    /// <summary>The client certificate's unencrypted private key (PEM).</summary>
    public string? Key { get; init; }

    /// <summary>libpq's ssl_min_protocol_version: the oldest TLS version the client offers (TLSv1.2 unless configured).</summary>
    public TlsProtocolVersion MinProtocol { get; init; } = TlsProtocolVersions.DefaultMinimum;

    /// <summary>libpq's ssl_max_protocol_version: the newest TLS version the client offers; null: no limit (the newest it knows).</summary>
    public TlsProtocolVersion? MaxProtocol { get; init; }

    /// <summary>The versions the client offers, as evidence reads them: "TLSv1.2 to TLSv1.3".</summary>
    public string ProtocolRange => $"{TlsProtocolVersions.Name(MinProtocol)} to {TlsProtocolVersions.Name(MaxProtocol ?? TlsProtocolVersions.Newest)}";

    /// <summary>Whether the client's versions are libpq's defaults (no ssl_min_protocol_version, no ssl_max_protocol_version).</summary>
    public bool DefaultProtocols => MinProtocol == TlsProtocolVersions.DefaultMinimum && MaxProtocol is null;

    /// <summary>Run the TLS probe: true always, false never, null when the target's sslmode is not disable.</summary>
    public bool? Probe { get; init; }

    /// <summary>Also try PostgreSQL 17's direct TLS handshake (no SSLRequest first), as <c>sslnegotiation=direct</c>.</summary>
    public bool DirectHandshake { get; init; }

    /// <summary>A certificate whose notAfter is closer than this is reported as expiring (a warning).</summary>
    public TimeSpan ExpiryWarning { get; init; } = DefaultExpiryWarning;

    /// <summary>Whether the TLS probe runs for a target of this sslmode.</summary>
    public bool ProbesWith(SslMode mode) => Probe ?? mode != SslMode.Disable;
}

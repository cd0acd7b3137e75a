using System.Collections.Immutable;

namespace PgReachExporter.Observations;

/// <summary>How the TLS probe of a target ended.</summary>
public enum TlsProbeResult
{
    /// <summary>The handshake completed; the chain and its judgement are in the observation.</summary>
    Handshake,

    /// <summary>Not tried this cycle: no address accepted TCP, or the target is a Unix socket.</summary>
    NotAttempted,

    /// <summary>The server answered the SSLRequest with 'N': <c>ssl = off</c>.</summary>
    ServerRefused,

    /// <summary>The handshake failed on the protocol version: no version both sides allow.</summary>
    ProtocolMismatch,

    /// <summary>The server ended the handshake over the client certificate (missing, or not trusted by its CA).</summary>
    ClientCertificateRejected,

    /// <summary>The handshake failed for another reason (the problem text says which).</summary>
    HandshakeFailed,

    /// <summary>No answer within the target's connect timeout.</summary>
    Timeout,

    /// <summary>The TCP connection for the probe failed or was closed before TLS started.</summary>
    ConnectionFailed,
}

/// <summary>Whether the presented chain reaches the root the client trusts, decided as libpq would.</summary>
internal enum TlsTrust
{
    /// <summary>The client's sslmode does not verify the chain (disable, allow, prefer; require without a root file).</summary>
    NotVerified,
    Trusted,
    Untrusted,
}

/// <summary>
/// One certificate of a chain (presented by the server, or in its ssl_cert_file): what an engineer reads off
/// <c>openssl x509 -noout -text -fingerprint -sha256</c>.
/// </summary>
/// <param name="Fingerprint">The SHA-256 fingerprint, as openssl prints it (AB:CD:...); empty when unknown.</param>
internal sealed record TlsCertificate(
    string Subject,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    ImmutableArray<string> DnsNames,
    ImmutableArray<string> IpAddresses,
    string Serial,
    string Fingerprint = "");

/// <summary>The chain as judged with the target's sslmode, root certificate and host name, at the time of the probe.</summary>
internal sealed record TlsJudgement(
    bool VerifiesChain,
    bool VerifiesName,
    TlsTrust Trust,
    string? TrustProblem,
    bool? NameMatches,
    bool Expired,
    bool NotYetValid);

/// <summary>
/// What the TLS probe saw on the target's port: the SSLRequest answer, the handshake (version, cipher, duration), the
/// chain the server presented (leaf first) and its judgement. Never a secret: a key file's password is not part of it.
/// </summary>
internal sealed record TlsObservation(
    TlsProbeResult Result,
    string? Address,
    TimeSpan HandshakeDuration,
    string? Protocol,
    string? Cipher,
    ImmutableArray<TlsCertificate> Chain,
    TlsJudgement? Judgement,
    bool DirectHandshake,
    string? Problem)
{
    public static TlsObservation NotAttempted(string reason) =>
        new(TlsProbeResult.NotAttempted, null, TimeSpan.Zero, null, null, [], null, false, reason);

    /// <summary>The server's own certificate (the first of the chain), when a handshake gave one.</summary>
    public TlsCertificate? Leaf => Chain.IsDefaultOrEmpty ? null : Chain[0];

    /// <summary>The earliest notAfter in the chain (the blackbox exporter's <c>probe_ssl_earliest_cert_expiry</c>).</summary>
    public DateTimeOffset? EarliestExpiry => Chain.IsDefaultOrEmpty ? null : Chain.Min(c => c.NotAfter);
}

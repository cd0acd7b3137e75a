using System.Collections.Immutable;

namespace PgReachExporter.Observations;

/// <summary>
/// What the tls_cert_file check read: the chain in the server's ssl_cert_file as it is on disk now, which is what the
/// server presents after its next reload (or restart), judged with the target's settings as the presented chain is.
/// </summary>
/// <param name="SslOn">The running value of ssl; with ssl = off nothing is read and the chain is empty.</param>
/// <param name="Path">ssl_cert_file as the server resolves it (relative to the data directory when not absolute).</param>
/// <param name="Chain">The certificates of the file, in file order (the server's own first).</param>
/// <param name="Judgement">The chain judged for this target's clients, as of when it was read; null when the chain is empty.</param>
internal sealed record ServerCertificateFile(bool SslOn, string Path, ImmutableArray<TlsCertificate> Chain, TlsJudgement? Judgement)
{
    public TlsCertificate? Leaf => Chain.IsDefaultOrEmpty ? null : Chain[0];

    /// <summary>The earliest notAfter in the file, as <see cref="TlsObservation.EarliestExpiry"/> for the presented chain.</summary>
    public DateTimeOffset? EarliestExpiry => Chain.IsDefaultOrEmpty ? null : Chain.Min(c => c.NotAfter);
}

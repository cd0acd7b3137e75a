using PgReachExporter.Observations;

namespace PgReachExporter.Classification;

/// <summary>Which failure a TLS handshake error stands for, from OpenSSL's words (the alert the server sent, or ours).</summary>
internal static class TlsFailureText
{
    private static readonly string[] ProtocolWords =
        ["protocol version", "unsupported protocol", "no protocols available", "wrong version number", "version too low", "version too high"];

    // Alerts a server sends about the client's certificate: none sent, or one its CA does not vouch for.
    private static readonly string[] ClientCertificateWords =
        ["certificate required", "alert bad certificate", "alert unknown ca", "alert certificate unknown", "peer did not return a certificate", "alert certificate expired", "alert certificate revoked"];

    public static TlsProbeResult Classify(string text) =>
        ProtocolWords.Any(w => text.Contains(w, StringComparison.OrdinalIgnoreCase)) ? TlsProbeResult.ProtocolMismatch
        : ClientCertificateWords.Any(w => text.Contains(w, StringComparison.OrdinalIgnoreCase)) ? TlsProbeResult.ClientCertificateRejected
        : TlsProbeResult.HandshakeFailed;

    /// <summary>The login result a failed handshake stands for, by the same words as the TLS probe's.</summary>
    public static LoginResult LoginResultOf(string text) => Classify(text) switch
    {
        TlsProbeResult.ProtocolMismatch => LoginResult.TlsProtocolMismatch,
        TlsProbeResult.ClientCertificateRejected => LoginResult.ClientCertificateRejected,
        _ => LoginResult.TlsFailed,
    };

    /// <summary>A handshake failure's messages, outermost to innermost: the innermost are OpenSSL's own words, e.g. "tlsv1 alert protocol version".</summary>
    public static string Describe(Exception exception)
    {
        var messages = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(": ", messages.Where(m => !m.Contains("see inner exception", StringComparison.OrdinalIgnoreCase)).Distinct());
    }
}

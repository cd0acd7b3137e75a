using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using PgReachExporter.Configuration;

namespace PgReachExporter.Web;

/// <summary>
/// The TLS options of each new connection, from the web configuration current at that moment: a rotated certificate,
/// a new client CA or another client_auth_type applies to the next handshake without a restart (as the toolkit, which
/// re-reads its file per connection).
/// </summary>
internal sealed class TlsHandshake(WebConfigurationMonitor web)
{
    public ValueTask<SslServerAuthenticationOptions> OnConnectionAsync(TlsHandshakeCallbackContext context) => ValueTask.FromResult(OptionsFor(web.Current.Tls!));

    public static SslServerAuthenticationOptions OptionsFor(WebTlsMaterial tls) => new()
    {
        ServerCertificateContext = tls.Context,
        EnabledSslProtocols = tls.Settings.Protocols,
        CipherSuitesPolicy = tls.CipherSuites,
        // Asking for a certificate is what the four policies other than NoClientCert have in common; what follows is the policy's.
        ClientCertificateRequired = tls.Settings.ClientAuth != ClientAuthType.NoClientCert,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            ClientCertificatePolicy.Accepts(tls, certificate as X509Certificate2 ?? (certificate is null ? null : new X509Certificate2(certificate)), chain?.ChainPolicy.ExtraStore),
    };
}

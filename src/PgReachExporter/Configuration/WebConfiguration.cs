using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PgReachExporter.Configuration;

/// <summary>
/// A web configuration ready to serve: the checked file, its certificate and key loaded and matched, the client CAs
/// loaded, and the decoy hash that unknown users are verified against. Only this type reaches the web host.
/// </summary>
internal sealed record WebConfiguration(WebConfigDocument Document, WebTlsMaterial? Tls, string DecoyHash)
{
    public string File => Document.File;

    /// <summary>The files whose change means a reload: the configuration file and the PEM files it names.</summary>
    public IEnumerable<string> WatchedFiles =>
        new[] { Document.File, Document.Tls?.Certificate.Path, Document.Tls?.Key.Path, Document.Tls?.ClientCa?.Path }.OfType<string>().Distinct();

    /// <summary>Reads, checks and loads <paramref name="file"/>; throws a <see cref="ConfigurationException"/> naming the file and field.</summary>
    public static WebConfiguration Load(string file)
    {
        var document = WebConfigReader.Read(file);
        var tls = document.Tls is null ? null : WebTlsMaterial.Load(document.Tls, file);
        return new WebConfiguration(document, tls, DecoyFor(document.Users));
    }

    /// <summary>
    /// A well-formed bcrypt hash that no password matches, at the highest cost among the users, so that verifying an
    /// unknown user takes as long as a wrong password (no user enumeration by timing). The salt and hash are the
    /// toolkit's decoy ("fakepassword" at cost 10); with another cost no password matches them.
    /// </summary>
    public static string DecoyFor(IReadOnlyDictionary<string, string> users)
    {
        var cost = users.Values.Select(h => int.Parse(h.AsSpan(h.IndexOf('$', 1) + 1, 2), System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(10).Max();
        return $"$2y${cost:00}$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";
    }
}

/// <summary>The loaded certificates of tls_server_config: what a TLS handshake uses.</summary>
internal sealed record WebTlsMaterial(TlsServerConfig Settings, X509Certificate2 Certificate, SslStreamCertificateContext Context,
    X509Certificate2Collection ClientCas, CipherSuitesPolicy? CipherSuites)
{
    public static WebTlsMaterial Load(TlsServerConfig settings, string file)
    {
        var errors = new List<ConfigurationError>();
        var certificatePem = Read(settings.Certificate, "cert", errors, file);
        var keyPem = Read(settings.Key, "key", errors, file);
        var caPem = settings.ClientCa is null ? null : Read(settings.ClientCa, "client_ca", errors, file);
        X509Certificate2? certificate = null;
        var chain = new X509Certificate2Collection();
        if (certificatePem is not null && keyPem is not null)
        {
            try
            {
                chain.ImportFromPem(certificatePem);
                if (chain.Count == 0)
                {
                    errors.Add(new(file, null, Field(settings.Certificate, "cert"), "holds no PEM certificate"));
                }
                else
                {
                    certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
                }
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException)
            {
                // (ArgumentException: a key of another certificate.) The message says what is wrong (no key, a key of another certificate) and never echoes the key.
                errors.Add(new(file, null, Field(settings.Certificate, "cert"),
                    $"cannot be used with {Field(settings.Key, "key")} {settings.Key}: {ex.Message}"));
            }
        }

        var cas = new X509Certificate2Collection();
        if (caPem is not null)
        {
            try
            {
                cas.ImportFromPem(caPem);
            }
            catch (CryptographicException ex)
            {
                errors.Add(new(file, null, Field(settings.ClientCa!, "client_ca"), $"is not PEM certificates: {ex.Message}"));
            }

            if (cas.Count == 0)
            {
                errors.Add(new(file, null, Field(settings.ClientCa!, "client_ca"), "holds no PEM certificate"));
            }
        }

        if (errors.Count > 0 || certificate is null)
        {
            throw new ConfigurationException(errors);
        }

        var intermediates = new X509Certificate2Collection();
        intermediates.AddRange(chain.Skip(1).ToArray());
        var context = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
        // CipherSuitesPolicy works with OpenSSL (Linux, the agent's platform); elsewhere cipher_suites is refused.
        CipherSuitesPolicy? policy = null;
        if (!settings.CipherSuites.IsEmpty)
        {
            if (OperatingSystem.IsWindows())
            {
                throw new ConfigurationException([new(file, null, "tls_server_config.cipher_suites", "cannot be applied on Windows (.NET's cipher suite policy needs OpenSSL)")]);
            }

            policy = new CipherSuitesPolicy(WebCipherSuites.Policy(settings.CipherSuites));
        }
        return new WebTlsMaterial(settings, certificate, context, cas, policy);
    }

    private static string Field(PemSource source, string inlineField) => $"tls_server_config.{(source.Path is null ? inlineField : inlineField + "_file")}";

    private static string? Read(PemSource source, string inlineField, List<ConfigurationError> errors, string file)
    {
        if (source.Path is null)
        {
            return source.Inline;
        }

        try
        {
            return System.IO.File.ReadAllText(source.Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add(new(file, null, Field(source, inlineField),
                $"{ConfigurationError.Quote(source.Path)} cannot be read: {(ex is FileNotFoundException or DirectoryNotFoundException ? "file does not exist" : ex.Message)}"));
            return null;
        }
    }
}

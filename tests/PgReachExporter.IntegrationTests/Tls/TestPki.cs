using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.Lab;

namespace PgReachExporter.IntegrationTests.Tls;

/// <summary>
/// A certificate authority made by the test (ECDSA P-256), issuing server and client certificates into a directory the
/// PostgreSQL server user may read (keys 0600, owned by it), so a cluster can load them as ssl_cert_file/ssl_key_file.
/// </summary>
internal sealed class TestPki : IDisposable
{
    private readonly ECDsa _caKey;
    private int _serial;

    private TestPki(string directory, string name, ECDsa caKey, X509Certificate2 ca)
    {
        Directory = directory;
        _caKey = caKey;
        Ca = ca;
        CaFile = Write($"{name}-ca.crt", ca.ExportCertificatePem());
    }

    public string Directory { get; }

    public X509Certificate2 Ca { get; }

    /// <summary>The CA certificate (PEM): the client's sslrootcert, or the server's ssl_ca_file.</summary>
    public string CaFile { get; }

    public static TestPki Create(string name = "test")
    {
        var directory = ClusterWorkspace.CreateServerOwnedDirectory(Path.Combine(ClusterWorkspace.Root, $"pki-{name}-{Guid.NewGuid():N}"));
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=PgReach {name} CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddYears(5));
        return new TestPki(directory, name, key, ca);
    }

    /// <summary>A server certificate; its files are named after <paramref name="fileName"/>.</summary>
    public (string CertFile, string KeyFile, X509Certificate2 Certificate) IssueServer(
        string fileName, string commonName = "localhost", IEnumerable<string>? dnsNames = null, IEnumerable<IPAddress>? addresses = null,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var sans = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames ?? ["localhost"])
        {
            sans.AddDnsName(name);
        }

        foreach (var address in addresses ?? [IPAddress.Loopback])
        {
            sans.AddIpAddress(address);
        }

        return Issue(fileName, commonName, sans.Build(), new Oid("1.3.6.1.5.5.7.3.1"), notBefore, notAfter);
    }

    /// <summary>A client certificate whose CN is the role name (what clientcert=verify-full and the cert method compare).</summary>
    public (string CertFile, string KeyFile, X509Certificate2 Certificate) IssueClient(string fileName, string role) =>
        Issue(fileName, role, null, new Oid("1.3.6.1.5.5.7.3.2"), null, null);

    private (string, string, X509Certificate2) Issue(string fileName, string commonName, X509Extension? sans, Oid usage, DateTimeOffset? notBefore, DateTimeOffset? notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        if (sans is not null)
        {
            request.CertificateExtensions.Add(sans);
        }

        var serial = BitConverter.GetBytes(Interlocked.Increment(ref _serial) + Environment.TickCount64);
        var certificate = request.Create(Ca.SubjectName, X509SignatureGenerator.CreateForECDsa(_caKey),
            notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(365), serial);
        var certFile = Write($"{fileName}.crt", certificate.ExportCertificatePem());
        var keyFile = Write($"{fileName}.key", key.ExportPkcs8PrivateKeyPem(), secret: true);
        return (certFile, keyFile, certificate);
    }

    private string Write(string name, string pem, bool secret = false)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, pem);
        if (OperatingSystem.IsWindows())
        {
            return path;
        }

        File.SetUnixFileMode(path, secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite : (UnixFileMode)0b110_100_100);
        if (Posix.IsRoot)
        {
            OsCommand.Run("chown", [$"{OsCommand.ServerUser}:", path], TimeSpan.FromSeconds(10));
        }

        return path;
    }

    /// <summary>postgresql.conf settings that turn TLS on with a server certificate.</summary>
    public static Dictionary<string, string> ServerSettings(string certFile, string keyFile, string? caFile = null)
    {
        var settings = new Dictionary<string, string> { ["ssl"] = "on", ["ssl_cert_file"] = certFile, ["ssl_key_file"] = keyFile };
        if (caFile is not null)
        {
            settings["ssl_ca_file"] = caFile;
        }

        return settings;
    }

    public void Dispose()
    {
        Ca.Dispose();
        _caKey.Dispose();
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PgReachExporter.IntegrationTests.Web;

/// <summary>
/// A throw-away PKI made by the test in its own directory: a CA, a server certificate for 127.0.0.1 signed by it, a
/// client certificate signed by it, and a second CA with a client certificate of its own (the "wrong CA"). PEM files.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _otherCa;

    public TestCertificates()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("pgreach-tls-").FullName;
        _ca = CreateCa("PgReach test CA");
        _otherCa = CreateCa("Some other CA");
        Write(_ca, "ca", withKey: false);
        Write(_otherCa, "other-ca", withKey: false);
        IssueServer();
        Write(Issue(_ca, "prometheus", "prometheus.test", ClientAuth), "client");
        Write(Issue(_otherCa, "intruder", "prometheus.test", ClientAuth), "other-client");
    }

    public string Directory { get; }

    public string CaFile => Path.Combine(Directory, "ca.crt");
    public string OtherCaFile => Path.Combine(Directory, "other-ca.crt");
    public string ServerCertFile => Path.Combine(Directory, "server.crt");
    public string ServerKeyFile => Path.Combine(Directory, "server.key");
    public string ClientCertFile => Path.Combine(Directory, "client.crt");
    public string ClientKeyFile => Path.Combine(Directory, "client.key");
    public string OtherClientCertFile => Path.Combine(Directory, "other-client.crt");
    public string OtherClientKeyFile => Path.Combine(Directory, "other-client.key");

    /// <summary>Serial number (hex, as .NET writes it) of the server certificate last written.</summary>
    public string ServerSerial { get; private set; } = "";

    /// <summary>Writes a new server certificate and key (a new serial) in place of the old ones, each by rename as cert-manager does.</summary>
    public string IssueServer()
    {
        using var server = Issue(_ca, "pgreach", "localhost", ServerAuth, IPAddress.Loopback);
        Write(server, "server");
        ServerSerial = server.SerialNumber;
        return ServerSerial;
    }

    public X509Certificate2 LoadClient() => X509Certificate2.CreateFromPemFile(ClientCertFile, ClientKeyFile);

    private static X509Certificate2 CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string commonName, string dnsName, Oid usage, IPAddress? address = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        if (address is not null)
        {
            names.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(12), serial);
        return issued.CopyWithPrivateKey(key);
    }

    private void Write(X509Certificate2 certificate, string name, bool withKey = true)
    {
        Replace(Path.Combine(Directory, $"{name}.crt"), certificate.ExportCertificatePem() + "\n");
        if (withKey && certificate.GetECDsaPrivateKey() is { } key)
        {
            Replace(Path.Combine(Directory, $"{name}.key"), key.ExportPkcs8PrivateKeyPem() + "\n");
        }
    }

    private static void Replace(string path, string text)
    {
        var temporary = path + ".new";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _otherCa.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PgReachExporter.Web;

namespace PgReachExporter.Tests.Web;

/// <summary>client_allowed_sans match the names Go reads from a certificate: DNS, e-mail, IP and URI, written as Go writes them.</summary>
public sealed class ClientCertificatePolicyTests
{
    [Fact]
    public void Every_kind_of_subject_alternative_name_is_read()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=client", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("prometheus.test");
        names.AddEmailAddress("ops@example.test");
        names.AddIpAddress(IPAddress.Parse("10.0.0.7"));
        names.AddIpAddress(IPAddress.Parse("fd00::1"));
        names.AddUri(new Uri("spiffe://cluster.local/ns/monitoring/sa/prometheus"));
        names.AddUserPrincipalName("not-matched@example.test");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));

        var read = ClientCertificatePolicy.SubjectAlternativeNames(certificate).ToList();

        Assert.Equal(["prometheus.test", "ops@example.test", "10.0.0.7", "fd00::1", "spiffe://cluster.local/ns/monitoring/sa/prometheus"], read);
    }

    [Fact]
    public void A_certificate_without_the_extension_has_no_names()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=bare", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1));

        Assert.Empty(ClientCertificatePolicy.SubjectAlternativeNames(certificate));
    }
}

using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PgReachExporter.Configuration;

namespace PgReachExporter.Web;

/// <summary>
/// client_auth_type as Go's crypto/tls applies it, on the certificate a client presented (or none): verification is
/// against client_ca_file only (custom root trust, never the system store), for client authentication, without
/// revocation checks (Go does none); then client_allowed_sans, an exact match on a DNS, IP, e-mail or URI name.
/// </summary>
internal static class ClientCertificatePolicy
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Whether the handshake may go on with this client certificate.</summary>
    public static bool Accepts(WebTlsMaterial tls, X509Certificate2? presented, X509Certificate2Collection? sentWithIt)
    {
        var mode = tls.Settings.ClientAuth;
        if (presented is null)
        {
            return mode is ClientAuthType.NoClientCert or ClientAuthType.RequestClientCert or ClientAuthType.VerifyClientCertIfGiven;
        }

        if (mode is ClientAuthType.VerifyClientCertIfGiven or ClientAuthType.RequireAndVerifyClientCert && !ChainsToClientCa(tls, presented, sentWithIt))
        {
            return false;
        }

        return tls.Settings.ClientAllowedSans.IsEmpty || SubjectAlternativeNames(presented).Any(tls.Settings.ClientAllowedSans.Contains);
    }

    private static bool ChainsToClientCa(WebTlsMaterial tls, X509Certificate2 presented, X509Certificate2Collection? sentWithIt)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(tls.ClientCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (sentWithIt is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(sentWithIt);
        }

        return chain.Build(presented);
    }

    /// <summary>The certificate's DNS names, e-mail addresses, IP addresses and URIs, written as Go writes them.</summary>
    public static IEnumerable<string> SubjectAlternativeNames(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions["2.5.29.17"];
        if (extension is null)
        {
            return [];
        }

        var names = new List<string>();
        try
        {
            var sequence = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            while (sequence.HasData)
            {
                var tag = sequence.PeekTag();
                if (tag.TagClass != TagClass.ContextSpecific)
                {
                    sequence.ReadEncodedValue();
                    continue;
                }

                switch (tag.TagValue)
                {
                    case 1 or 2 or 6: // rfc822Name, dNSName, uniformResourceIdentifier: IA5String
                        names.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, tag.TagValue)));
                        break;
                    case 7: // iPAddress
                        var bytes = sequence.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 7));
                        if (bytes.Length is 4 or 16)
                        {
                            names.Add(new IPAddress(bytes).ToString());
                        }

                        break;
                    default:
                        sequence.ReadEncodedValue();
                        break;
                }
            }
        }
        catch (AsnContentException)
        {
            // A malformed extension names nothing that could match.
        }

        return names;
    }
}

using PgReachExporter.Classification;
using PgReachExporter.Observations;
using Xunit;

namespace PgReachExporter.Tests.Classification;

public sealed class TlsHostNameTests
{
    [Theory]
    [InlineData("db1.example", "db1.example", true)]
    [InlineData("DB1.Example", "db1.example", true)]
    [InlineData("db1.example.", "db1.example", true)]
    [InlineData("db1.example", "*.example", true)]
    [InlineData("a.b.example", "*.example", false)]
    [InlineData("example", "*.example", false)]
    [InlineData("db2.example", "db1.example", false)]
    public void Dns_names_match_as_libpq_matches_them(string host, string san, bool matches) =>
        Assert.Equal(matches, TlsHostName.Matches(host, null, [san], []));

    [Fact]
    public void The_common_name_counts_only_without_subject_alternative_names()
    {
        Assert.True(TlsHostName.Matches("db1.example", "db1.example", [], []));
        Assert.False(TlsHostName.Matches("db1.example", "db1.example", ["other.example"], []));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.2", false)]
    [InlineData("::1", false)]
    public void An_ip_host_matches_ip_address_entries(string host, bool matches) =>
        Assert.Equal(matches, TlsHostName.Matches(host, "localhost", ["localhost"], ["127.0.0.1"]));

    [Fact]
    public void The_names_shown_are_the_sans_or_else_the_common_name()
    {
        Assert.Equal(["a.example", "10.0.0.1"], TlsHostName.Names("cn.example", ["a.example"], ["10.0.0.1"]));
        Assert.Equal(["cn.example"], TlsHostName.Names("cn.example", [], []));
    }

    [Theory]
    [InlineData("error:0A00042E:SSL routines::tlsv1 alert protocol version", TlsProbeResult.ProtocolMismatch)]
    [InlineData("error:0A000102:SSL routines::unsupported protocol", TlsProbeResult.ProtocolMismatch)]
    [InlineData("error:0A00045C:SSL routines::tlsv13 alert certificate required", TlsProbeResult.ClientCertificateRejected)]
    [InlineData("error:0A000418:SSL routines::tlsv1 alert unknown ca", TlsProbeResult.ClientCertificateRejected)]
    [InlineData("Connection reset by peer", TlsProbeResult.HandshakeFailed)]
    public void Handshake_errors_are_classified_by_openssls_words(string text, TlsProbeResult expected) =>
        Assert.Equal(expected, TlsFailureText.Classify(text));
}

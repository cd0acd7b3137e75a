using Microsoft.Extensions.Configuration;
using PgReachExporter.Configuration;

namespace PgReachExporter.Tests.Configuration;

/// <summary>The target fields of the TLS layer: SslRootCert, SslCert, SslKey (or the URI's), TlsProbe, TlsDirectHandshake, TlsExpiryWarning.</summary>
public sealed class TlsSettingsTests : IDisposable
{
    private static readonly LibpqEnvironment NoEnvironment = new(new Dictionary<string, string?>());
    private readonly string _directory = Directory.CreateTempSubdirectory("pgreach-tls-settings-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string File(string name)
    {
        var path = Path.Combine(_directory, name);
        System.IO.File.WriteAllText(path, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        return path;
    }

    private static TargetDefinition ReadTarget(string fields) =>
        AgentSettingsReader.Read(Json($$"""{ "PgReach": { "Targets": [ { "Name": "db", {{fields}} } ] } }"""), "targets.json", NoEnvironment)
            .Targets.Single();

    private static string ErrorOf(string fields) => Assert.Throws<ConfigurationException>(() => ReadTarget(fields)).Message;

    private static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();

    [Fact]
    public void Without_tls_fields_the_probe_follows_the_sslmode_and_the_window_is_14_days()
    {
        var prefer = ReadTarget("\"Host\": \"127.0.0.1\"");
        var disable = ReadTarget("\"Host\": \"127.0.0.1\", \"SslMode\": \"disable\"");

        Assert.True(prefer.Tls.ProbesWith(prefer.SslMode));
        Assert.False(disable.Tls.ProbesWith(disable.SslMode));
        Assert.Equal(TimeSpan.FromDays(14), prefer.Tls.ExpiryWarning);
        Assert.Null(prefer.Tls.RootCert);
    }

    [Fact]
    public void The_files_are_read_from_fields_or_from_the_uri_as_libpq_spells_them()
    {
        var (root, cert, key) = (File("root.crt"), File("client.crt"), File("client.key"));

        var fields = ReadTarget($"\"Host\": \"127.0.0.1\", \"SslRootCert\": \"{root}\", \"SslCert\": \"{cert}\", \"SslKey\": \"{key}\", \"TlsProbe\": true, \"TlsExpiryWarning\": \"21d\"");
        var uri = ReadTarget($"\"Uri\": \"postgresql://app@127.0.0.1/db?sslmode=verify-full&sslrootcert={root}&sslcert={cert}&sslkey={key}\"");

        Assert.Equal((root, cert, key, true, TimeSpan.FromDays(21)), (fields.Tls.RootCert, fields.Tls.Cert, fields.Tls.Key, fields.Tls.Probe, fields.Tls.ExpiryWarning));
        Assert.Equal((root, cert, key), (uri.Tls.RootCert, uri.Tls.Cert, uri.Tls.Key));
        Assert.Equal("verify-full", uri.SslModeName);
    }

    [Fact]
    public void System_roots_are_libpqs_word_not_a_file() =>
        Assert.Equal(TlsDefinition.SystemRoots, ReadTarget("\"Host\": \"127.0.0.1\", \"SslRootCert\": \"system\"").Tls.RootCert);

    [Fact]
    public void A_missing_file_names_the_target_and_the_field() =>
        Assert.Contains("target 'db': field 'SslRootCert': sslrootcert '/nonexistent/root.crt' does not exist",
            ErrorOf("\"Host\": \"127.0.0.1\", \"SslRootCert\": \"/nonexistent/root.crt\""));

    [Fact]
    public void A_certificate_needs_its_key() =>
        Assert.Contains("field 'SslKey': a client certificate needs both SslCert and SslKey", ErrorOf($"\"Host\": \"127.0.0.1\", \"SslCert\": \"{File("c.crt")}\""));

    [Fact]
    public void A_file_given_twice_is_an_error()
    {
        var root = File("root.crt");
        Assert.Contains("field 'SslRootCert': is also given by the Uri's sslrootcert",
            ErrorOf($"\"Uri\": \"postgresql://app@127.0.0.1/db?sslrootcert={root}\", \"SslRootCert\": \"{root}\""));
    }

    [Theory]
    [InlineData("\"TlsProbe\": \"sometimes\"", "TlsProbe")]
    [InlineData("\"TlsProbe\": 1", "TlsProbe")]
    [InlineData("\"TlsExpiryWarning\": \"soon\"", "TlsExpiryWarning")]
    [InlineData("\"TlsExpiryWarning\": \"400d\"", "TlsExpiryWarning")]
    public void A_value_of_the_wrong_kind_is_an_error_not_a_default(string field, string name) =>
        Assert.Contains($"target 'db': field '{name}':", ErrorOf($"\"Host\": \"127.0.0.1\", {field}"));

    [Fact]
    public void The_monitoring_connection_refuses_tls_files_instead_of_ignoring_them() =>
        Assert.Contains("not supported for the monitoring connection",
            ErrorOf($"\"Host\": \"127.0.0.1\", \"Monitoring\": {{ \"Uri\": \"postgresql://mon@127.0.0.1/postgres?sslrootcert={File("r.crt")}\" }}"));

    [Fact]
    public void Protocol_limits_are_libpqs_defaults_unless_configured()
    {
        var plain = ReadTarget("\"Host\": \"127.0.0.1\"");
        var fields = ReadTarget("\"Host\": \"127.0.0.1\", \"SslMinProtocolVersion\": \"TLSv1.1\", \"SslMaxProtocolVersion\": \"tlsv1.2\"");
        var uri = ReadTarget("\"Uri\": \"postgresql://app@127.0.0.1/db?ssl_min_protocol_version=TLSv1.3&ssl_max_protocol_version=\"");

        Assert.Equal((TlsProtocolVersion.Tls12, (TlsProtocolVersion?)null, "TLSv1.2 to TLSv1.3", true),
            (plain.Tls.MinProtocol, plain.Tls.MaxProtocol, plain.Tls.ProtocolRange, plain.Tls.DefaultProtocols));
        Assert.Equal((TlsProtocolVersion.Tls11, (TlsProtocolVersion?)TlsProtocolVersion.Tls12, "TLSv1.1 to TLSv1.2"),
            (fields.Tls.MinProtocol, fields.Tls.MaxProtocol, fields.Tls.ProtocolRange));
        Assert.Equal((TlsProtocolVersion.Tls13, (TlsProtocolVersion?)null), (uri.Tls.MinProtocol, uri.Tls.MaxProtocol));
    }

    [Theory]
    [InlineData("\"SslMinProtocolVersion\": \"1.2\"", "field 'SslMinProtocolVersion': '1.2' is not a TLS version; expected one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3")]
    [InlineData("\"SslMaxProtocolVersion\": 1.3", "field 'SslMaxProtocolVersion': '1.3' is not a TLS version")]
    [InlineData("\"SslMinProtocolVersion\": \"\"", "field 'SslMinProtocolVersion': is empty or null; leave the field out")]
    [InlineData("\"SslMinProtocolVersion\": \"TLSv1.3\", \"SslMaxProtocolVersion\": \"TLSv1.2\"", "field 'SslMaxProtocolVersion': ssl_max_protocol_version TLSv1.2 is older than ssl_min_protocol_version TLSv1.3")]
    [InlineData("\"SslMaxProtocolVersion\": \"TLSv1.1\"", "is older than ssl_min_protocol_version TLSv1.2 (libpq's default)")]
    public void A_wrong_protocol_version_names_the_target_and_the_field(string field, string expected) =>
        Assert.Contains(expected.StartsWith("field", StringComparison.Ordinal) ? $"target 'db': {expected}" : expected, ErrorOf($"\"Host\": \"127.0.0.1\", {field}"));

    [Fact]
    public void A_wrong_protocol_version_in_the_uri_names_the_uri()
    {
        Assert.Contains("target 'db': field 'Uri': is not a valid libpq URI: it has ssl_min_protocol_version 'TLS1.2'; expected one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3",
            ErrorOf("\"Uri\": \"postgresql://app@127.0.0.1/db?ssl_min_protocol_version=TLS1.2\""));
        Assert.Contains("field 'SslMaxProtocolVersion': is also given by the Uri's ssl_max_protocol_version",
            ErrorOf("\"Uri\": \"postgresql://app@127.0.0.1/db?ssl_max_protocol_version=TLSv1.2\", \"SslMaxProtocolVersion\": \"TLSv1.2\""));
    }

    [Fact]
    public void The_monitoring_connection_refuses_protocol_limits_instead_of_ignoring_them() =>
        Assert.Contains("not supported for the monitoring connection",
            ErrorOf("\"Host\": \"127.0.0.1\", \"Monitoring\": { \"Uri\": \"postgresql://mon@127.0.0.1/postgres?ssl_max_protocol_version=TLSv1.2\" }"));
}

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
}

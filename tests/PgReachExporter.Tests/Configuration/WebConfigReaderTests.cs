using System.Net.Security;
using System.Security.Authentication;
using PgReachExporter.Configuration;

namespace PgReachExporter.Tests.Configuration;

/// <summary>The web configuration file in the exporter toolkit's format: every field read, every mistake an error naming file and field.</summary>
#pragma warning disable SYSLIB0039 // TLS 1.0 and 1.1 are names of the format
public sealed class WebConfigReaderTests
{
    private const string File = "/etc/pgreach/web-config.yml";

    // The toolkit's own decoy hash: "fakepassword" at cost 10.
    private const string Hash = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";

    private static WebConfigDocument Parse(string yaml) => WebConfigReader.Parse(yaml, File);

    private static string ErrorOf(string yaml)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Parse(yaml));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Contains(File, ex.Message);
        return ex.Message;
    }

    [Fact]
    public void The_toolkit_s_full_example_is_read_field_by_field()
    {
        var document = Parse($"""
            tls_server_config:
              cert_file: server.crt
              key_file: /secrets/server.key
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: ca.crt
              client_allowed_sans: [prometheus.example, 10.0.0.1]
              min_version: TLS13
              max_version: TLS13
              cipher_suites:
                - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
                - TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
              prefer_server_cipher_suites: false
              curve_preferences: [X25519, CurveP256]
            http_server_config:
              http2: false
              headers:
                X-Frame-Options: sameorigin
                Strict-Transport-Security: max-age=31536000
            basic_auth_users:
              prometheus: {Hash}
              'ops': "{Hash}"
            rate_limit:
              interval: 1m30s
              burst: 5
            """);

        var tls = Assert.IsType<TlsServerConfig>(document.Tls);
        Assert.Equal("/etc/pgreach/server.crt", tls.Certificate.Path);
        Assert.Equal("/secrets/server.key", tls.Key.Path);
        Assert.Equal("/etc/pgreach/ca.crt", tls.ClientCa?.Path);
        Assert.Equal(ClientAuthType.RequireAndVerifyClientCert, tls.ClientAuth);
        Assert.Equal(["prometheus.example", "10.0.0.1"], tls.ClientAllowedSans.ToArray());
        Assert.Equal(SslProtocols.Tls13, tls.Protocols);
        Assert.Equal([TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256], tls.CipherSuites.ToArray());
        Assert.False(tls.PreferServerCipherSuites);
        Assert.Equal(["X25519", "CurveP256"], tls.CurvePreferences.ToArray());
        Assert.False(document.Http.Http2);
        Assert.Equal("sameorigin", document.Http.Headers["X-Frame-Options"]);
        Assert.Equal("max-age=31536000", document.Http.Headers["Strict-Transport-Security"]);
        Assert.Equal(Hash, document.Users["prometheus"]);
        Assert.Equal(Hash, document.Users["ops"]);
        Assert.Equal(new RateLimitConfig(TimeSpan.FromSeconds(90), 5), document.RateLimit);
    }

    [Fact]
    public void Defaults_are_the_toolkit_s()
    {
        var document = Parse("""
            tls_server_config:
              cert: "-----BEGIN CERTIFICATE-----"
              key: "-----BEGIN PRIVATE KEY-----"
            """);

        var tls = Assert.IsType<TlsServerConfig>(document.Tls);
        Assert.Equal(ClientAuthType.NoClientCert, tls.ClientAuth);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, tls.Protocols);
        Assert.True(tls.PreferServerCipherSuites);
        Assert.Empty(tls.CipherSuites);
        Assert.Null(tls.Certificate.Path);
        Assert.Equal("(inline)", tls.Key.ToString());
        Assert.True(document.Http.Http2);
        Assert.Empty(document.Users);
        Assert.Null(document.RateLimit);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("tls_server_config:\nhttp_server_config:\nbasic_auth_users:\nrate_limit:\n")]
    [InlineData("tls_server_config:\n  cert_file: \"\"\n  key_file: \"\"\n")]
    [InlineData("rate_limit:\n  interval: 0\n  burst: 0\n")]
    public void A_file_that_sets_nothing_serves_plain_http_without_auth(string yaml)
    {
        var document = Parse(yaml);

        Assert.Null(document.Tls);
        Assert.Empty(document.Users);
        Assert.Null(document.RateLimit);
    }

    [Theory]
    [InlineData("NoClientCert", "NoClientCert")]
    [InlineData("RequestClientCert", "RequestClientCert")]
    [InlineData("RequireAnyClientCert", "RequireAnyClientCert")]
    [InlineData("RequireClientCert", "RequireAnyClientCert")]
    [InlineData("VerifyClientCertIfGiven", "VerifyClientCertIfGiven")]
    [InlineData("RequireAndVerifyClientCert", "RequireAndVerifyClientCert")]
    public void Every_client_auth_type_is_read(string name, string expectedName)
    {
        var expected = Enum.Parse<ClientAuthType>(expectedName);
        var ca = expected is ClientAuthType.NoClientCert ? "" : "\n  client_ca_file: ca.crt";
        var document = Parse($"tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_auth_type: {name}{ca}\n");

        Assert.Equal(expected, document.Tls!.ClientAuth);
    }

    [Theory]
    [InlineData("TLS10", "TLS13", SslProtocols.Tls | SslProtocols.Tls11 | SslProtocols.Tls12 | SslProtocols.Tls13)]
    [InlineData("TLS11", "TLS12", SslProtocols.Tls11 | SslProtocols.Tls12)]
    [InlineData("TLS12", "TLS12", SslProtocols.Tls12)]
    public void Tls_versions_become_the_range_from_min_to_max(string min, string max, SslProtocols expected)
    {
        var document = Parse($"tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  min_version: {min}\n  max_version: {max}\n");

        Assert.Equal(expected, document.Tls!.Protocols);
    }

    [Theory]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  cert_fiel: b.crt\n", "field 'tls_server_config.cert_fiel': unknown field")]
    [InlineData("tls_config:\n  cert_file: a.crt\n", "field 'tls_config': unknown field")]
    [InlineData("http_server_config:\n  http3: true\n", "field 'http_server_config.http3': unknown field")]
    [InlineData("rate_limit:\n  interval: 1s\n  burst: 2\n  per_ip: true\n", "field 'rate_limit.per_ip': unknown field")]
    [InlineData("tls_server_config:\n  key_file: a.key\n", "field 'tls_server_config.cert_file': is required")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n", "field 'tls_server_config.key_file': is required")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  cert: x\n  key_file: a.key\n", "field 'tls_server_config.cert': and cert_file are both given")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_auth_type: RequireAndVerify\n", "field 'tls_server_config.client_auth_type': 'RequireAndVerify' is not a client auth type")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_auth_type: 4\n", "field 'tls_server_config.client_auth_type': '4' is not a client auth type")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_auth_type: RequireAndVerifyClientCert\n", "field 'tls_server_config.client_ca_file': is required")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_auth_type: VerifyClientCertIfGiven\n", "field 'tls_server_config.client_ca_file': is required")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_ca_file: ca.crt\n", "field 'tls_server_config.client_auth_type': is NoClientCert")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_auth_type: RequestClientCert\n  client_allowed_sans: [a]\n", "field 'tls_server_config.client_allowed_sans': requires client_auth_type")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  min_version: TLS1.2\n", "field 'tls_server_config.min_version': 'TLS1.2' is not a TLS version")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  max_version: tls13\n", "field 'tls_server_config.max_version': 'tls13' is not a TLS version")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  min_version: TLS13\n  max_version: TLS12\n", "field 'tls_server_config.min_version': TLS13 is above max_version TLS12")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n", "field 'tls_server_config.cipher_suites': 'TLS_RSA_WITH_RC4_128_SHA' is not a cipher suite")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  cipher_suites: TLS_AES_128_GCM_SHA256\n", "field 'tls_server_config.cipher_suites': must be a list")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  curve_preferences: [P256]\n", "field 'tls_server_config.curve_preferences': 'P256' is not a curve")]
    [InlineData("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  prefer_server_cipher_suites: \"true\"\n", "field 'tls_server_config.prefer_server_cipher_suites': must be true or false, not a quoted string")]
    [InlineData("tls_server_config:\n  cert_file: [a.crt]\n  key_file: a.key\n", "field 'tls_server_config.cert_file': must be a single value, not a list")]
    [InlineData("tls_server_config: a.crt\n", "field 'tls_server_config': must be a mapping")]
    [InlineData("- tls_server_config\n", "field '(file)': must be a mapping")]
    [InlineData("http_server_config:\n  http2: yes\n", "field 'http_server_config.http2': must be true or false, not the value 'yes'")]
    [InlineData("http_server_config:\n  headers:\n    Server: pgreach\n", "field 'http_server_config.headers.Server': cannot be configured")]
    [InlineData("http_server_config:\n  headers:\n    x-frame-options: deny\n", "field 'http_server_config.headers.x-frame-options': cannot be configured")]
    [InlineData("http_server_config:\n  headers:\n    X-Frame-Options: allow-from\n", "field 'http_server_config.headers.X-Frame-Options': 'allow-from' is not allowed (use deny or sameorigin)")]
    [InlineData("http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n", "field 'http_server_config.headers.X-Content-Type-Options': 'sniff' is not allowed (use nosniff)")]
    [InlineData("http_server_config:\n  headers: [X-Frame-Options]\n", "field 'http_server_config.headers': must be a mapping")]
    [InlineData("basic_auth_users:\n  alice:\n", "field 'basic_auth_users.alice': has no password hash")]
    [InlineData("basic_auth_users:\n  alice: secret\n", "field 'basic_auth_users.alice': is not a bcrypt hash")]
    [InlineData("basic_auth_users:\n  alice: $2y$03$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi\n", "field 'basic_auth_users.alice': is not a bcrypt hash")]
    [InlineData("basic_auth_users:\n  alice: [a, b]\n", "field 'basic_auth_users.alice': must be a single value, not a list")]
    [InlineData("basic_auth_users: [alice]\n", "field 'basic_auth_users': must be a mapping")]
    [InlineData("rate_limit:\n  interval: 1\n  burst: 2\n", "field 'rate_limit.interval': '1' is not a duration")]
    [InlineData("rate_limit:\n  interval: 1 s\n  burst: 2\n", "field 'rate_limit.interval': '1 s' is not a duration")]
    [InlineData("rate_limit:\n  interval: -1s\n  burst: 2\n", "field 'rate_limit.interval': '-1s' is not a duration")]
    [InlineData("rate_limit:\n  interval: 1s\n", "field 'rate_limit.burst': is required")]
    [InlineData("rate_limit:\n  interval: 1s\n  burst: 0\n", "field 'rate_limit.burst': must be at least 1")]
    [InlineData("rate_limit:\n  interval: 1s\n  burst: \"3\"\n", "field 'rate_limit.burst': must be a whole number, not a quoted string")]
    [InlineData("rate_limit:\n  interval: 1s\n  burst: 2.5\n", "field 'rate_limit.burst': must be a whole number, not the value '2.5'")]
    [InlineData("tls_server_config:\n  cert_file: a\n  cert_file: b\n", "field '(file)': is not valid YAML at line")]
    [InlineData("tls_server_config:\n  cert_file: 'a\n", "field '(file)': is not valid YAML at line")]
    [InlineData("a: 1\n---\nb: 2\n", "holds more than one YAML document")]
    public void A_mistake_is_an_error_naming_the_file_and_the_field(string yaml, string expected)
    {
        Assert.Contains(expected, ErrorOf(yaml), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var message = ErrorOf("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  min_version: TLS9\nrate_limit:\n  interval: soon\n  burst: 1\n");

        Assert.Contains("tls_server_config.min_version", message, StringComparison.Ordinal);
        Assert.Contains("rate_limit.interval", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_hash_or_inline_key_is_never_echoed()
    {
        var message = ErrorOf("tls_server_config:\n  cert: c\n  key: \"TOPSECRETKEY\\u0001\"\nbasic_auth_users:\n  alice: hunter2hunter2\n");

        Assert.DoesNotContain("TOPSECRETKEY", message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_names_the_file()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"pgreach-missing-{Guid.NewGuid():N}.yml");

        var ex = Assert.Throws<ConfigurationException>(() => WebConfigReader.Read(missing));

        Assert.Contains($"{missing}: field '--web.config.file': file does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cipher_suites_keep_tls13_working_as_in_go()
    {
        var policy = WebCipherSuites.Policy([TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]).ToList();

        Assert.Equal(TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, policy[0]);
        Assert.Superset(WebCipherSuites.Tls13.ToHashSet(), policy.ToHashSet());
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("300ms", 0.3)]
    [InlineData("1.5s", 1.5)]
    [InlineData("1m30s", 90)]
    [InlineData("2h", 7200)]
    [InlineData("1500us", 0.0015)]
    public void Go_durations_are_read(string text, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), GoDuration.Parse(text));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("s")]
    [InlineData("1d")]
    [InlineData("1s ")]
    [InlineData("00:00:01")]
    public void Other_durations_are_not(string text)
    {
        Assert.Null(GoDuration.Parse(text));
    }

    [Fact]
    public void The_decoy_hash_takes_the_highest_cost_of_the_users()
    {
        var decoy = WebConfiguration.DecoyFor(new Dictionary<string, string> { ["a"] = Hash, ["b"] = Hash.Replace("$10$", "$12$", StringComparison.Ordinal) });

        Assert.StartsWith("$2y$12$", decoy, StringComparison.Ordinal);
        Assert.Equal(Hash.Length, decoy.Length);
        Assert.StartsWith("$2y$10$", WebConfiguration.DecoyFor(new Dictionary<string, string>()), StringComparison.Ordinal);
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using PgReachExporter.IntegrationTests.Infrastructure;
using Xunit;

namespace PgReachExporter.IntegrationTests.Tls;

/// <summary>
/// The servers of the TLS scenarios, per major version, started once (in parallel) the first time a test asks for that
/// major and shared by every test of the class; stopped when the class ends. Tests only read them: a test that
/// changes a server's settings or files makes its own cluster.
/// </summary>
public sealed class TlsScenarioClusters : IAsyncLifetime
{
    public const string Password = "tls-test-secret";

    /// <summary>Roles of <see cref="TlsScenarioServers.Valid"/>: one per pg_hba line.</summary>
    public const string App = "app", SslOnly = "ssluser", CertUser = "certuser";

    private readonly ConcurrentDictionary<int, Lazy<Task<TlsScenarioServers>>> _servers = new();
    private readonly ConcurrentBag<PostgresCluster> _started = [];

    internal TestPki Pki { get; } = TestPki.Create("tls");

    /// <summary>A CA that issued nothing the servers present: a client trusting only it finds every chain untrusted.</summary>
    internal TestPki OtherAuthority { get; } = TestPki.Create("rotated");

    /// <summary>A CA the servers do not trust, with a client certificate for <see cref="CertUser"/>.</summary>
    internal TestPki Stranger { get; } = TestPki.Create("stranger");

    public Task<TlsScenarioServers> ForAsync(int major) =>
        _servers.GetOrAdd(major, m => new Lazy<Task<TlsScenarioServers>>(() => StartAsync(m))).Value;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var cluster in _started)
        {
            await cluster.DisposeAsync();
        }

        Pki.Dispose();
        OtherAuthority.Dispose();
        Stranger.Dispose();
    }

    private async Task<TlsScenarioServers> StartAsync(int major)
    {
        var now = DateTimeOffset.UtcNow;
        var valid = Pki.IssueServer($"valid-{major}");
        var expired = Pki.IssueServer($"expired-{major}", notBefore: now.AddDays(-30), notAfter: now.AddDays(-2));
        var future = Pki.IssueServer($"future-{major}", notBefore: now.AddDays(3), notAfter: now.AddDays(60));
        var wrongName = Pki.IssueServer($"wrong-name-{major}", commonName: "db.internal.example", dnsNames: ["db.internal.example"], addresses: []);
        var expiring = Pki.IssueServer($"expiring-{major}", notAfter: now.AddDays(5));
        var client = Pki.IssueClient($"client-{major}", CertUser);
        var strangerClient = Stranger.IssueClient($"stranger-client-{major}", CertUser);

        // TLSv1.3 only, a CA for client certificates, and one hba line per TLS rule under test.
        var validSettings = TestPki.ServerSettings(valid.CertFile, valid.KeyFile, Pki.CaFile);
        validSettings["ssl_min_protocol_version"] = "TLSv1.3";
        // At most TLSv1.2: the reverse protocol mismatch, against a client whose minimum is TLSv1.3.
        var wrongNameSettings = TestPki.ServerSettings(wrongName.CertFile, wrongName.KeyFile);
        wrongNameSettings["ssl_max_protocol_version"] = "TLSv1.2";

        var started = await Task.WhenAll(
            StartAsync(major, validSettings, [
                $"hostssl all {CertUser} 127.0.0.1/32 scram-sha-256 clientcert=verify-full",
                $"hostssl all {SslOnly} 127.0.0.1/32 scram-sha-256",
                $"host all {App} 127.0.0.1/32 scram-sha-256",
            ], App, SslOnly, CertUser),
            StartAsync(major, TestPki.ServerSettings(expired.CertFile, expired.KeyFile)),
            StartAsync(major, TestPki.ServerSettings(future.CertFile, future.KeyFile)),
            StartAsync(major, wrongNameSettings),
            StartAsync(major, new Dictionary<string, string> { ["ssl"] = "off" }),
            StartAsync(major, TestPki.ServerSettings(expiring.CertFile, expiring.KeyFile)));

        return new TlsScenarioServers(started[0], started[1], started[2], started[3], started[4], started[5])
        {
            ValidCertificate = valid.Certificate,
            ExpiringCertificate = expiring.Certificate,
            ClientCert = client.CertFile,
            ClientKey = client.KeyFile,
            StrangerCert = strangerClient.CertFile,
            StrangerKey = strangerClient.KeyFile,
        };
    }

    private async Task<PostgresCluster> StartAsync(int major, Dictionary<string, string> settings, IReadOnlyList<string>? hba = null, params string[] roles)
    {
        var cluster = await PostgresCluster.StartAsync(new ClusterOptions
        {
            Major = major,
            ExtraConfig = settings,
            HbaLines = hba ?? [$"host all {App} 127.0.0.1/32 scram-sha-256"],
        });
        _started.Add(cluster);
        foreach (var role in roles.Length == 0 ? [App] : roles)
        {
            await cluster.CreateRoleAsync(role, Password);
        }

        return cluster;
    }
}

/// <summary>
/// One major's scenario servers. <see cref="Valid"/>: a trusted certificate for localhost and 127.0.0.1, TLSv1.3 only,
/// ssl_ca_file set, and the lines <c>hostssl certuser clientcert=verify-full</c>, <c>hostssl ssluser</c>, <c>host app</c>.
/// <see cref="WrongName"/> names only db.internal.example and allows at most TLSv1.2.
/// </summary>
public sealed record TlsScenarioServers(
    PostgresCluster Valid,
    PostgresCluster Expired,
    PostgresCluster NotYetValid,
    PostgresCluster WrongName,
    PostgresCluster SslOff,
    PostgresCluster Expiring)
{
    public required X509Certificate2 ValidCertificate { get; init; }
    public required X509Certificate2 ExpiringCertificate { get; init; }

    /// <summary>A client certificate for certuser from the servers' CA.</summary>
    public required string ClientCert { get; init; }
    public required string ClientKey { get; init; }

    /// <summary>A client certificate for certuser from a CA the servers do not trust.</summary>
    public required string StrangerCert { get; init; }
    public required string StrangerKey { get; init; }
}

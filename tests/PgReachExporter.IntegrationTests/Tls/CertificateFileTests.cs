using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.HostSignals;
using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.Observations;
using PgReachExporter.Probes.ServerChecks;
using PgReachExporter.Scheduling;
using Xunit;

using static PgReachExporter.IntegrationTests.Tls.OneCycle;

namespace PgReachExporter.IntegrationTests.Tls;

/// <summary>
/// The certificate the server will present after its next reload: ssl_cert_file read over the monitoring connection,
/// compared with the one the TLS probe was shown, on real clusters whose certificate files the test replaces.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class CertificateFileTests(ClusterFixture clusters) : IDisposable
{
    private const string Password = "cert-file-secret";
    private readonly TestPki _pki = TestPki.Create("certfile");

    public void Dispose() => _pki.Dispose();

    [Theory]
    [InlineData(15)]
    [InlineData(18)]
    public async Task A_certificate_replaced_on_disk_is_a_pending_change_until_a_reload_serves_it(int major)
    {
        var (cert, key, served) = _pki.IssueServer($"{Guid.NewGuid():N}-served");
        var cluster = await clusters.NewClusterAsync(new ClusterOptions
        {
            Major = major, ExtraConfig = TestPki.ServerSettings(cert, key), HbaLines = ["host all all 127.0.0.1/32 scram-sha-256"],
        });
        await cluster.CreateRoleAsync("app", Password);

        // Nothing pending: the file is what the server presents.
        var before = await RunOnceAsync(Target(cluster));
        Assert.Equal(["ok"], Causes(before));

        // A renewal that writes a short-lived certificate (and its key) over the files, without a reload.
        var (renewedCert, renewedKey, renewed) = _pki.IssueServer($"{Guid.NewGuid():N}-renewed", notAfter: DateTimeOffset.UtcNow.AddDays(2));
        await File.WriteAllTextAsync(cert, await File.ReadAllTextAsync(renewedCert));
        await File.WriteAllTextAsync(key, await File.ReadAllTextAsync(renewedKey));

        var pending = await RunOnceAsync(Target(cluster));
        var finding = Finding(pending, "tls_certificate_change_pending");
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Contains(finding.Evidence, e => e.StartsWith("the server presents \"CN=localhost\"", StringComparison.Ordinal) && e.Contains(Fingerprint(served), StringComparison.Ordinal));
        Assert.Contains(finding.Evidence, e => e.StartsWith($"ssl_cert_file {cert} holds", StringComparison.Ordinal) && e.Contains(Fingerprint(renewed), StringComparison.Ordinal));
        Assert.Contains(finding.Evidence, e => e.Contains("would present a certificate that expires", StringComparison.Ordinal));
        Assert.True(pending.Cycle.Up);

        // The reload serves it: nothing is pending, and the served certificate is the one expiring.
        await cluster.ReloadAsync();
        var reloaded = await RunOnceAsync(Target(cluster));
        Assert.DoesNotContain("tls_certificate_change_pending", Causes(reloaded));
        Assert.Equal(renewed.NotAfter.ToUniversalTime(), reloaded.Cycle.Find<TlsObservation>()!.EarliestExpiry!.Value.UtcDateTime, TimeSpan.FromSeconds(1));
        Assert.Contains("tls_certificate_expiring", Causes(reloaded));
    }

    [Fact]
    public async Task A_role_without_the_grants_is_told_which_one_it_lacks_and_costs_the_server_no_error()
    {
        var (cert, key, certificate) = _pki.IssueServer($"{Guid.NewGuid():N}-grants");
        var cluster = await clusters.NewClusterAsync(new ClusterOptions
        {
            ExtraConfig = TestPki.ServerSettings(cert, key), HbaLines = ["host all all 127.0.0.1/32 scram-sha-256"],
        });
        await cluster.CreateRoleAsync("monitor_only", Password);
        await cluster.ExecuteAsync("GRANT pg_monitor TO monitor_only");
        await cluster.CreateRoleAsync("execute_only", Password);
        await cluster.ExecuteAsync("GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean) TO execute_only");
        await cluster.CreateRoleAsync("reader", Password);
        await cluster.ExecuteAsync("GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean) TO reader");
        await cluster.ExecuteAsync("GRANT pg_read_server_files TO reader");

        var noExecute = await CheckAsync(cluster, "monitor_only");
        Assert.Equal(ServerCheckResult.PermissionDenied, noExecute.Result);
        Assert.Contains("GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)", noExecute.Problem, StringComparison.Ordinal);

        // The test's certificate lies outside the data directory, as Debian's /etc/ssl does.
        var outside = await CheckAsync(cluster, "execute_only");
        Assert.Equal(ServerCheckResult.PermissionDenied, outside.Result);
        Assert.Contains("is outside the data directory", outside.Problem, StringComparison.Ordinal);
        Assert.Contains("GRANT pg_read_server_files", outside.Problem, StringComparison.Ordinal);

        var read = await CheckAsync(cluster, "reader");
        Assert.Equal(ServerCheckResult.Ok, read.Result);
        Assert.Equal(certificate.NotAfter.ToUniversalTime(), read.Value!.EarliestExpiry!.Value.UtcDateTime, TimeSpan.FromSeconds(1));

        // The privileges were asked, not tried: the server logged no permission error.
        Assert.DoesNotContain("permission denied for function pg_read_binary_file", cluster.ReadLog(), StringComparison.Ordinal);
        Assert.DoesNotContain("absolute path not allowed", cluster.ReadLog(), StringComparison.Ordinal);
    }

    private static string Fingerprint(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        string.Join(':', Convert.ToHexString(certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)).Chunk(2).Select(c => new string(c)));

    private async Task<CheckOutcome<ServerCertificateFile>> CheckAsync(PostgresCluster cluster, string role)
    {
        await using var session = new MonitoringSession("certfile", new MonitoringDefinition
        {
            Host = "127.0.0.1", Port = cluster.Port, Database = "postgres", Username = role, Password = new LiteralPassword(Password),
            ConnectTimeout = TimeSpan.FromSeconds(5), StatementTimeout = TimeSpan.FromSeconds(5),
        }, TimeProvider.System, NullLogger.Instance);
        Assert.True(await session.WaitConnectedAsync(TimeSpan.FromSeconds(10), CancellationToken.None), session.Problem);
        return await new CertificateFileCheck(Target(cluster), TimeProvider.System).RunAsync(session, CancellationToken.None);
    }

    private TargetDefinition Target(PostgresCluster cluster) => new()
    {
        Name = "certfile",
        Host = "127.0.0.1",
        Port = cluster.Port,
        Database = "postgres",
        Username = "app",
        Password = new LiteralPassword(Password),
        SslMode = SslMode.VerifyFull,
        Tls = new TlsDefinition { RootCert = _pki.CaFile },
        ConnectTimeout = TimeSpan.FromSeconds(3),
        Interval = TimeSpan.FromSeconds(15),
        // Over the Unix socket with the target's sslmode, as the configuration reader hands it down: libpq ignores
        // sslmode on a Unix socket, and so must the agent.
        Monitoring = new MonitoringDefinition
        {
            Host = cluster.SocketDirectory, Port = cluster.Port, Database = "postgres", Username = PostgresCluster.Superuser,
            SslMode = SslMode.VerifyFull, ConnectTimeout = TimeSpan.FromSeconds(3), StatementTimeout = TimeSpan.FromSeconds(3),
        },
    };
}

using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>
/// Reads the server's ssl_cert_file through the monitoring connection (pg_read_binary_file) and judges its chain as the
/// TLS probe judges the presented one: the certificate the server will present after its next reload. The privileges
/// are asked first (has_function_privilege, pg_has_role), so a role without them costs the server no ERROR line per
/// cycle; the check then reports permission_denied with the grant it needs (docs/monitoring-role.md).
/// </summary>
internal sealed class CertificateFileCheck(TargetDefinition target, TimeProvider time)
{
    /// <summary>The check's name: its <c>check</c> label.</summary>
    public const string Name = "tls_cert_file";

    /// <summary>A certificate file is a few kilobytes; a bigger read is refused rather than carried into the agent.</summary>
    public const int MaxBytes = 256 * 1024;

    // data_directory through pg_settings: a role without pg_read_all_settings gets no row instead of an error.
    public const string LocateSql = """
        SELECT pg_catalog.current_setting('ssl'),
               pg_catalog.current_setting('ssl_cert_file'),
               pg_catalog.has_function_privilege('pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)', 'EXECUTE'),
               pg_catalog.pg_has_role('pg_read_server_files', 'USAGE'),
               (SELECT setting FROM pg_catalog.pg_settings WHERE name = 'data_directory')
        """;

    // missing_ok: a file that is gone is NULL, not an ERROR in the server log every cycle.
    public const string ReadSql = "SELECT pg_catalog.pg_read_binary_file(pg_catalog.current_setting('ssl_cert_file'), 0, $1, true)";

    public async Task<CheckOutcome<ServerCertificateFile>> RunAsync(MonitoringSession session, CancellationToken stopping)
    {
        var located = await session.QueryAsync(LocateSql, r => (
            Ssl: r.GetString(0), File: r.GetString(1), MayExecute: r.GetBoolean(2), MayReadAnywhere: r.GetBoolean(3),
            DataDirectory: r.IsDBNull(4) ? null : r.GetString(4)), stopping).ConfigureAwait(false);
        if (!located.Succeeded)
        {
            return located.Failure<ServerCertificateFile>();
        }

        var (ssl, file, mayExecute, mayReadAnywhere, dataDirectory) = located.Rows.Single();
        if (ssl != "on")
        {
            return CheckOutcome<ServerCertificateFile>.Ok(new ServerCertificateFile(false, file, [], null));
        }

        if (Refusal(file, mayExecute, mayReadAnywhere, dataDirectory) is { } refusal)
        {
            return CheckOutcome<ServerCertificateFile>.Failed(ServerCheckResult.PermissionDenied, refusal);
        }

        var read = await session.QueryAsync(ReadSql, r => r.IsDBNull(0) ? null : r.GetFieldValue<byte[]>(0), stopping, (long)MaxBytes + 1).ConfigureAwait(false);
        if (!read.Succeeded)
        {
            return read.Failure<ServerCertificateFile>();
        }

        return read.Rows.Single() switch
        {
            null => CheckOutcome<ServerCertificateFile>.Failed(ServerCheckResult.Error,
                $"ssl_cert_file {file} does not exist: the server keeps its certificate at a reload and does not start again with this file"),
            { Length: > MaxBytes } => CheckOutcome<ServerCertificateFile>.Failed(ServerCheckResult.Error, $"ssl_cert_file {file} is larger than {MaxBytes / 1024} KiB; not read"),
            var bytes => Parse(file, bytes),
        };
    }

    /// <summary>Why the role may not read the file, as the server would refuse it; null when it may.</summary>
    private static string? Refusal(string file, bool mayExecute, bool mayReadAnywhere, string? dataDirectory)
    {
        if (!mayExecute)
        {
            return "the monitoring role may not run pg_read_binary_file(text, bigint, bigint, boolean): "
                + "GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean) to read ssl_cert_file (docs/monitoring-role.md)";
        }

        // PostgreSQL allows other roles absolute paths only inside the data directory (or the log directory).
        var inside = !Path.IsPathRooted(file)
            || (dataDirectory is not null && file.StartsWith(dataDirectory.TrimEnd('/') + "/", StringComparison.Ordinal));
        return mayReadAnywhere || inside
            ? null
            : $"ssl_cert_file {file} is outside the data directory{(dataDirectory is null ? " (or the role cannot see data_directory)" : "")}: GRANT pg_read_server_files to the monitoring role to read it";
    }

    private CheckOutcome<ServerCertificateFile> Parse(string file, byte[] bytes)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(Encoding.UTF8.GetString(bytes));
            if (certificates.Count == 0)
            {
                return CheckOutcome<ServerCertificateFile>.Failed(ServerCheckResult.Error,
                    $"ssl_cert_file {file} holds no PEM certificate: a reload keeps the certificate in use, a restart fails");
            }

            var chain = certificates.Cast<X509Certificate2>().ToList();
            return CheckOutcome<ServerCertificateFile>.Ok(new ServerCertificateFile(true, file,
                [.. chain.Select(TlsChainJudge.Summarise)], TlsChainJudge.Judge(target, chain, time.GetUtcNow())));
        }
        catch (CryptographicException ex)
        {
            return CheckOutcome<ServerCertificateFile>.Failed(ServerCheckResult.Error, $"ssl_cert_file {file} cannot be parsed: {ex.Message}");
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }
}

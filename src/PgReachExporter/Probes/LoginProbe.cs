using Npgsql;
using PgReachExporter.Classification;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes;

/// <summary>
/// Logs in to one target with a fresh, unpooled connection each time (a pooled connection would hide a dead
/// listener), bounded by the target's connect timeout. Never retried: a retried timeout would hide the timeout rate.
/// </summary>
internal sealed class LoginProbe : IAsyncDisposable
{
    private readonly TargetDefinition _target;
    private readonly TimeProvider _time;
    private readonly PostgresGreetingProbe _greeting;
    private readonly NpgsqlDataSource _dataSource;

    public LoginProbe(TargetDefinition target, TimeProvider time, PostgresGreetingProbe greeting)
    {
        _target = target;
        _time = time;
        _greeting = greeting;
        _dataSource = PostgresConnector.DataSource(ConnectionString(target), target.Password);
    }

    internal static string ConnectionString(TargetDefinition target) => new NpgsqlConnectionStringBuilder
    {
        Host = target.Host,
        Port = target.Port,
        Database = target.Database,
        Username = target.Username,
        SslMode = target.SslMode,
        // libpq's sslrootcert, sslcert, sslkey; "system" is the system store, which is Npgsql's own default.
        RootCertificate = target.Tls.RootCert is { } root && root != TlsDefinition.SystemRoots ? root : null,
        SslCertificate = target.Tls.Cert,
        SslKey = target.Tls.Key,
        // Npgsql's default (Prefer) makes a second attempt after a failed GSS-encrypted one: a probe is never retried.
        GssEncryptionMode = GssEncryptionMode.Disable,
        Pooling = false,
        // Backstop only: the probe's own deadline (below) is what bounds the attempt.
        Timeout = (int)Math.Ceiling(target.ConnectTimeout.TotalSeconds) + 1,
        ApplicationName = "pgreach",
        Multiplexing = false,
        Enlist = false,
    }.ConnectionString;

    public async Task<LoginObservation> LoginAsync(CancellationToken stopping)
    {
        var started = _time.GetTimestamp();
        try
        {
            var connection = await PostgresConnector.OpenAsync(_dataSource, _target.ConnectTimeout, _time, stopping).ConfigureAwait(false);
            var version = connection.PostgreSqlVersion;
            await connection.DisposeAsync().ConfigureAwait(false);
            return new(LoginResult.Ok, _time.GetElapsedTime(started), null, null, version);
        }
        catch (Exception ex)
        {
            if (stopping.IsCancellationRequested)
            {
                throw;
            }

            var elapsed = _time.GetElapsedTime(started);
            var classification = LoginFailures.Classify(ex);
            var result = classification.Result;
            if (classification.NeedsGreetingCheck && !_target.IsUnixSocket)
            {
                var remaining = _target.ConnectTimeout - elapsed;
                var greeting = remaining > TimeSpan.Zero
                    ? await _greeting.CheckAsync(_target.Host, _target.Port, remaining, stopping).ConfigureAwait(false)
                    : GreetingResult.Silent;
                result = greeting.Refine(result);
            }

            return new(result, elapsed, (ex as PostgresException)?.SqlState, Describe(ex), null);
        }
    }

    /// <summary>A one-line reason for logs and pages; server messages name users and databases, never passwords.</summary>
    private static string Describe(Exception ex) => ex switch
    {
        PostgresException pg => $"{pg.SqlState}: {pg.MessageText}",
        OperationCanceledException => "no answer before the deadline",
        _ when ex.InnerException is { } inner => $"{ex.Message} ({inner.GetType().Name}: {inner.Message})",
        _ => ex.Message,
    };

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}

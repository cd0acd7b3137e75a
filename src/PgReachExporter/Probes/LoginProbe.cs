using System.Net.Security;
using System.Net;
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
    private readonly string _connectionString;
    private readonly Action<SslClientAuthenticationOptions> _tls;

    // Built at the first attempt, not with the session: Npgsql registers every data source in one process-wide list
    // that it sorts under a lock at each registration, and 10,000 sessions opened together at start-up held that lock
    // for 15-25 s (nothing probed, SIGTERM unanswered). The first attempts are spread over the interval; building one
    // per attempt instead would cost about 130 us of CPU at every cycle.
    private NpgsqlDataSource? _dataSource;
    private readonly string _greetingHost;

    /// <param name="dial">
    /// The addresses to connect to instead of resolving the target's host again (a /probe request resolved and
    /// checked them against its allowlist); TLS still verifies the certificate against the host name.
    /// </param>
    public LoginProbe(TargetDefinition target, TimeProvider time, PostgresGreetingProbe greeting, IReadOnlyList<IPAddress>? dial = null)
    {
        _target = target;
        _time = time;
        _greeting = greeting;
        _greetingHost = dial is { Count: > 0 } ? dial[0].ToString() : target.Host;
        var tlsHost = dial is { Count: > 0 } && !IPAddress.TryParse(target.Host, out _) ? target.Host : null;
        var protocols = TlsClientProtocols.Enabled(target.Tls);
        _connectionString = ConnectionString(target, dial);
        _tls = options =>
        {
            // The TLS probe offers the same versions, so the login fails where the probe says why.
            options.EnabledSslProtocols = protocols;
            if (tlsHost is not null)
            {
                options.TargetHost = tlsHost;
            }
        };
    }

    /// <summary>The connection string; with <paramref name="dial"/>, Npgsql's host list is those addresses (IPv6 bare, never split at a colon).</summary>
    internal static string ConnectionString(TargetDefinition target, IReadOnlyList<IPAddress>? dial = null) => new NpgsqlConnectionStringBuilder
    {
        Host = dial is { Count: > 0 } ? string.Join(',', dial.Select(a => a.ToString())) : target.Host,
        Port = target.Port,
        Database = target.Database,
        Username = target.Username,
        SslMode = PostgresConnector.SslModeFor(target.Host, target.SslMode),
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
            _dataSource ??= await PostgresConnector.DataSourceAsync(_connectionString, _target.Password, _tls, stopping).ConfigureAwait(false);
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
                    ? await _greeting.CheckAsync(_greetingHost, _target.Port, remaining, stopping).ConfigureAwait(false)
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

    /// <remarks>A session's attempts run one after the other, and it is disposed after the last.</remarks>
    public ValueTask DisposeAsync() => _dataSource?.DisposeAsync() ?? ValueTask.CompletedTask;
}

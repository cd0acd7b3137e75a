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
internal sealed class LoginProbe
{
    private readonly TargetDefinition _target;
    private readonly TimeProvider _time;
    private readonly PostgresGreetingProbe _greeting;
    private readonly string _host;
    private readonly Action<SslClientAuthenticationOptions> _tls;
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
        _host = Host(target, dial);
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

    /// <summary>Npgsql's host list: the target's host, or with <paramref name="dial"/> those addresses (IPv6 bare, never split at a colon).</summary>
    private static string Host(TargetDefinition target, IReadOnlyList<IPAddress>? dial) =>
        dial is { Count: > 0 } ? string.Join(',', dial.Select(a => a.ToString())) : target.Host;

    private static void Settings(NpgsqlConnectionStringBuilder builder, (TargetDefinition Target, string Host) attempt)
    {
        var target = attempt.Target;
        builder.Host = attempt.Host;
        builder.Port = target.Port;
        builder.Database = target.Database;
        builder.Username = target.Username;
        // Every keyword set is written out and parsed again twice as the data source is built (about 1 us and 1 KB each):
        // defaults are left unset.
        if (PostgresConnector.SslModeFor(target.Host, target.SslMode) is var sslMode && sslMode != SslMode.Prefer)
        {
            builder.SslMode = sslMode;
        }

        // libpq's sslrootcert, sslcert, sslkey; "system" is the system store, which is Npgsql's own default.
        builder.RootCertificate = target.Tls.RootCert is { } root && root != TlsDefinition.SystemRoots ? root : null;
        builder.SslCertificate = target.Tls.Cert;
        builder.SslKey = target.Tls.Key;
        // Npgsql's default (Prefer) makes a second attempt after a failed GSS-encrypted one: a probe is never retried.
        builder.GssEncryptionMode = GssEncryptionMode.Disable;
        builder.Pooling = false;
        // Backstop only: the probe's own deadline (below) is what bounds the attempt.
        builder.Timeout = (int)Math.Ceiling(target.ConnectTimeout.TotalSeconds) + 1;
        builder.ApplicationName = "pgreach";
        builder.Enlist = false;
        // Npgsql's smallest buffers: a login reads and writes a few short messages (a longer one gets a larger buffer).
        builder.ReadBufferSize = 4096;
        builder.WriteBufferSize = 4096;
    }

    public async Task<LoginObservation> LoginAsync(CancellationToken stopping)
    {
        var started = _time.GetTimestamp();
        Exception failure;
        try
        {
            // A data source per attempt, not one kept per target: Npgsql registers every live data source in one
            // process-wide list that it sorts at each registration, so 10,000 kept ones made the first round
            // quadratic (a third of the start-up CPU at 10,000 targets) and held about 2 KB each. Built from
            // properties, one costs about 30 us (docs/performance.md).
            var dataSource = PostgresConnector.DataSource(Settings, (_target, _host), _target.Password, _tls);
            // The deadline counts from the start of the attempt, build included: the first build in a process runs
            // cold code, and under load it took half a second, which a login reported on top of its timeout.
            var attempt = await PostgresConnector.TryOpenAsync(dataSource, Remaining(started), _time, stopping, ownsDataSource: true).ConfigureAwait(false);
            if (attempt.Connection is { } connection)
            {
                var version = connection.PostgreSqlVersion;
                await connection.DisposeAsync().ConfigureAwait(false);
                await dataSource.DisposeAsync().ConfigureAwait(false);
                return new(LoginResult.Ok, _time.GetElapsedTime(started), null, null, version);
            }

            failure = attempt.Error!;
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            failure = ex;
        }

        var elapsed = _time.GetElapsedTime(started);
        var classification = LoginFailures.Classify(failure);
        var result = classification.Result;
        if (classification.NeedsGreetingCheck && !_target.IsUnixSocket)
        {
            var remaining = Remaining(started);
            var greeting = remaining > TimeSpan.Zero
                ? await _greeting.CheckAsync(_greetingHost, _target.Port, remaining, stopping).ConfigureAwait(false)
                : GreetingResult.Silent;
            result = greeting.Refine(result);
        }

        return new(result, elapsed, (failure as PostgresException)?.SqlState, Describe(failure), null);
    }

    /// <summary>What is left of the attempt's timeout since <paramref name="started"/>, never negative.</summary>
    private TimeSpan Remaining(long started)
    {
        var remaining = _target.ConnectTimeout - _time.GetElapsedTime(started);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    /// <summary>A one-line reason for logs and pages; server messages name users and databases, never passwords.</summary>
    private static string Describe(Exception ex) => ex switch
    {
        PostgresException pg => $"{pg.SqlState}: {pg.MessageText}",
        OperationCanceledException => "no answer before the deadline",
        _ when ex.InnerException is { } inner => $"{ex.Message} ({inner.GetType().Name}: {inner.Message})",
        _ => ex.Message,
    };
}

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
        var builder = new NpgsqlSlimDataSourceBuilder(ConnectionString(target));
        // The probe only authenticates: loading the server's types would add a catalog query to every attempt.
        builder.ConfigureTypeLoading(options => options.EnableTypeLoading(false));
        builder.EnableTransportSecurity();
        builder.EnableIntegratedSecurity();
        if (target.Password != PasswordSource.None)
        {
            // The password never enters the connection string, so it cannot leak through it; files are re-read per attempt.
            builder.UsePasswordProvider(_ => target.Password.Read() ?? "", (_, _) => ValueTask.FromResult(target.Password.Read() ?? ""));
        }

        _dataSource = builder.Build();
    }

    internal static string ConnectionString(TargetDefinition target) => new NpgsqlConnectionStringBuilder
    {
        Host = target.Host,
        Port = target.Port,
        Database = target.Database,
        Username = target.Username,
        SslMode = target.SslMode,
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
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(_target.ConnectTimeout);
        var connection = _dataSource.CreateConnection();
        var open = Task.Run(() => connection.OpenAsync(deadline.Token), CancellationToken.None);
        try
        {
            // WaitAsync guarantees the deadline even if the driver were to ignore the token in some phase.
            await open.WaitAsync(deadline.Token).ConfigureAwait(false);
            var version = connection.PostgreSqlVersion;
            await connection.DisposeAsync().ConfigureAwait(false);
            return new(LoginResult.Ok, _time.GetElapsedTime(started), null, null, version);
        }
        catch (Exception ex)
        {
            DisposeWhenSettled(connection, open);
            if (stopping.IsCancellationRequested)
            {
                throw;
            }

            var elapsed = _time.GetElapsedTime(started);
            var classification = LoginFailureClassifier.Classify(ex);
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

    private static void DisposeWhenSettled(NpgsqlConnection connection, Task open)
    {
        // Never dispose a connection while its open is still running; the continuation also observes its exception.
        _ = open.ContinueWith(static (_, state) => ((NpgsqlConnection)state!).Dispose(), connection, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
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

using System.Net.Security;
using System.Runtime.ExceptionServices;
using Npgsql;
using PgReachExporter.Configuration;

namespace PgReachExporter.Probes;

/// <summary>
/// The connection pieces the login probe and the monitoring session share: a slim data source without type loading,
/// the password through a provider (never in the connection string; a file re-read at every attempt), an open that
/// is bounded by the caller's deadline even if the driver ignored it, and disposal only once an operation settled.
/// </summary>
internal static class PostgresConnector
{
    /// <summary>
    /// The sslmode Npgsql is given: libpq ignores sslmode on a Unix socket (there is no TLS there), while Npgsql would
    /// fail a verify-full connection over one, so a socket connects without it.
    /// </summary>
    public static SslMode SslModeFor(string host, SslMode mode) => host.StartsWith('/') ? SslMode.Disable : mode;

    /// <param name="tls">Changes to the TLS handshake's options the connection string cannot express (version limits, the name to verify).</param>
    public static NpgsqlDataSource DataSource(string connectionString, PasswordSource password, bool arrays = false, Action<SslClientAuthenticationOptions>? tls = null) =>
        Build(new NpgsqlSlimDataSourceBuilder(connectionString), password, arrays, tls);

    /// <summary>
    /// A data source whose settings are set on the builder rather than parsed from a connection string (parsing one
    /// costs about 60 us, as much again as the rest of the build): for the login probe, which builds one per attempt.
    /// </summary>
    public static NpgsqlDataSource DataSource<TState>(Action<NpgsqlConnectionStringBuilder, TState> settings, TState state, PasswordSource password, Action<SslClientAuthenticationOptions>? tls)
    {
        var builder = new NpgsqlSlimDataSourceBuilder();
        settings(builder.ConnectionStringBuilder, state);
        return Build(builder, password, arrays: false, tls);
    }

    private static NpgsqlDataSource Build(NpgsqlSlimDataSourceBuilder builder, PasswordSource password, bool arrays, Action<SslClientAuthenticationOptions>? tls)
    {
        // One name for every data source: Npgsql sorts its list of live data sources by name at each registration.
        builder.Name = "pgreach";
        // Loading the server's types would add catalog queries to every connection.
        builder.ConfigureTypeLoading(options => options.EnableTypeLoading(false));
        if (arrays)
        {
            builder.EnableArrays();
        }

        builder.EnableTransportSecurity();
        if (tls is not null)
        {
            builder.UseSslClientAuthenticationOptionsCallback(tls);
        }

        builder.EnableIntegratedSecurity();
        if (password != PasswordSource.None)
        {
            builder.UsePasswordProvider(_ => password.Read() ?? "", (_, _) => ValueTask.FromResult(password.Read() ?? ""));
        }

        return builder.Build();
    }

    /// <summary>
    /// Opens a new connection within <paramref name="timeout"/> (on <paramref name="time"/>); throws what the open threw,
    /// or <see cref="OperationCanceledException"/> at the deadline. A failed connection is disposed once its open settles.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenAsync(NpgsqlDataSource dataSource, TimeSpan timeout, TimeProvider time, CancellationToken stopping)
    {
        var attempt = await TryOpenAsync(dataSource, timeout, time, stopping).ConfigureAwait(false);
        if (attempt.Error is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }

        return attempt.Connection!;
    }

    /// <summary>
    /// <see cref="OpenAsync"/> without throwing: a failed open is returned, not thrown again through these frames
    /// (the driver has already thrown it through its own; a thrown exception costs tens of microseconds in the native
    /// build, and most login attempts of an unhealthy fleet fail). Throws only when <paramref name="stopping"/> is
    /// cancelled.
    /// </summary>
    /// <param name="ownsDataSource">The data source was built for this connection alone: a failed open disposes it too, once settled.</param>
    public static async Task<OpenAttempt> TryOpenAsync(NpgsqlDataSource dataSource, TimeSpan timeout, TimeProvider time, CancellationToken stopping, bool ownsDataSource = false)
    {
        using var deadline = Deadline.After(timeout, time, stopping);
        var connection = dataSource.CreateConnection();
        var open = Task.Run(() => connection.OpenAsync(deadline.Token), CancellationToken.None);
        // WaitAsync guarantees the deadline even if the driver were to ignore the token in some phase.
        await open.WaitAsync(deadline.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (open.IsCompletedSuccessfully)
        {
            return new(connection, null);
        }

        DisposeWhenSettled(connection, open, ownsDataSource ? dataSource : null);
        stopping.ThrowIfCancellationRequested();
        return new(null, open.IsFaulted ? open.Exception.InnerException ?? open.Exception : new OperationCanceledException(deadline.Token));
    }

    /// <summary>Never disposes a connection while an operation on it still runs; the continuation also observes its exception.</summary>
    public static void DisposeWhenSettled(NpgsqlConnection connection, Task work, NpgsqlDataSource? dataSource = null) =>
        _ = work.ContinueWith(static (_, state) =>
            {
                var (connection, dataSource) = ((NpgsqlConnection, NpgsqlDataSource?))state!;
                connection.Dispose();
                dataSource?.Dispose();
            }, (connection, dataSource), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}

/// <summary>An open connection, or why the open failed.</summary>
internal readonly record struct OpenAttempt(NpgsqlConnection? Connection, Exception? Error);

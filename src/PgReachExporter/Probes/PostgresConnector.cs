using System.Net.Security;
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

    // One data source is built at a time, waited for without holding a thread: Npgsql's registration sorts a
    // process-wide list of live data sources under a lock, and thousands of first logins building theirs together
    // blocked thread-pool threads on that lock until /metrics and the probes starved.
    private static readonly SemaphoreSlim Building = new(1, 1);

    /// <summary><see cref="DataSource"/>, one build at a time across the process.</summary>
    public static async Task<NpgsqlDataSource> DataSourceAsync(string connectionString, PasswordSource password, Action<SslClientAuthenticationOptions>? tls, CancellationToken stopping)
    {
        await Building.WaitAsync(stopping).ConfigureAwait(false);
        try
        {
            return DataSource(connectionString, password, tls: tls);
        }
        finally
        {
            Building.Release();
        }
    }

    /// <param name="tls">Changes to the TLS handshake's options the connection string cannot express (version limits, the name to verify).</param>
    public static NpgsqlDataSource DataSource(string connectionString, PasswordSource password, bool arrays = false, Action<SslClientAuthenticationOptions>? tls = null)
    {
        // One name for every data source: Npgsql sorts its list of live data sources by name at each registration.
        var builder = new NpgsqlSlimDataSourceBuilder(connectionString) { Name = "pgreach" };
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
        using var deadline = Deadline.After(timeout, time, stopping);
        var connection = dataSource.CreateConnection();
        var open = Task.Run(() => connection.OpenAsync(deadline.Token), CancellationToken.None);
        try
        {
            // WaitAsync guarantees the deadline even if the driver were to ignore the token in some phase.
            await open.WaitAsync(deadline.Token).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            DisposeWhenSettled(connection, open);
            throw;
        }
    }

    /// <summary>Never disposes a connection while an operation on it still runs; the continuation also observes its exception.</summary>
    public static void DisposeWhenSettled(NpgsqlConnection connection, Task work) =>
        _ = work.ContinueWith(static (_, state) => ((NpgsqlConnection)state!).Dispose(), connection, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}

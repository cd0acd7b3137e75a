using System.Diagnostics;
using Npgsql;

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>SQL access, pg_hba.conf and reload.</summary>
public sealed partial class PostgresCluster
{
    private const string ConfLoadTimeSql = "SELECT pg_conf_load_time()";
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Superuser over the Unix socket (trust), pooling off so restarts leave no stale connections.</summary>
    public string SuperuserConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = SocketDirectory,
        Port = Port,
        Username = Superuser,
        Database = "postgres",
        Pooling = false,
        Timeout = 10,
    }.ConnectionString;


    /// <summary>
    /// Replaces pg_hba.conf with <see cref="SuperuserHbaLine"/> followed by <paramref name="lines"/>; the file's
    /// modification time always moves forward, so mtime-based change detection sees every write.
    /// Takes effect on <see cref="ReloadAsync"/>.
    /// </summary>
    public async Task WriteHbaAsync(IEnumerable<string> lines, CancellationToken cancellationToken = default)
    {
        var before = File.Exists(HbaFilePath) ? File.GetLastWriteTimeUtc(HbaFilePath) : DateTime.MinValue;
        var content = string.Join('\n', lines.Prepend(SuperuserHbaLine)) + "\n";

        // Writing over the existing file keeps its owner, so the server user can still read it.
        await File.WriteAllTextAsync(HbaFilePath, content, cancellationToken).ConfigureAwait(false);
        if (File.GetLastWriteTimeUtc(HbaFilePath) <= before)
        {
            File.SetLastWriteTimeUtc(HbaFilePath, before.AddMilliseconds(10));
        }
    }

    /// <summary>
    /// pg_reload_conf(), then waits (bounded) until a new session sees the reload, so the next
    /// connection is judged by the new pg_hba.conf.
    /// </summary>
    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        var before = await this.ScalarAsync<DateTime>(ConfLoadTimeSql, cancellationToken).ConfigureAwait(false);
        await this.ExecuteAsync("SELECT pg_reload_conf()", cancellationToken).ConfigureAwait(false);

        // A config file with errors may leave the load time unchanged; the bound keeps that case short.
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < ReloadTimeout
               && await this.ScalarAsync<DateTime>(ConfLoadTimeSql, cancellationToken).ConfigureAwait(false) <= before)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }
}

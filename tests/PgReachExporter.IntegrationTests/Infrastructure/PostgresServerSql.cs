using Npgsql;

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>SQL a test runs against any <see cref="IPostgresServer"/>, written once for local clusters and containers alike.</summary>
public static class PostgresServerSql
{
    /// <summary>A TCP connection string to the server's host and port for the given login, pooling off.</summary>
    public static string ConnectionString(this IPostgresServer server, string username, string? password = null, string? database = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = server.Host,
            Port = server.Port,
            Username = username,
            Password = password,
            Database = database ?? "postgres",
            Pooling = false,
            Timeout = 10,
        }.ConnectionString;

    public static async Task<NpgsqlConnection> OpenSuperuserAsync(this IPostgresServer server, CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(server.SuperuserConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static async Task ExecuteAsync(this IPostgresServer server, string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = await server.OpenSuperuserAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>First column of the first row; default when there is no row or it is NULL.</summary>
    public static async Task<T?> ScalarAsync<T>(this IPostgresServer server, string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = await server.OpenSuperuserAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || await reader.IsDBNullAsync(0, cancellationToken).ConfigureAwait(false))
        {
            return default;
        }

        return await reader.GetFieldValueAsync<T>(0, cancellationToken).ConfigureAwait(false);
    }

    public static Task CreateRoleAsync(this IPostgresServer server, string name, string? password, bool login = true, CancellationToken cancellationToken = default) =>
        server.ExecuteAsync(SqlText.CreateRole(name, password, login), cancellationToken);

    public static Task CreateDatabaseAsync(this IPostgresServer server, string name, string? owner = null, CancellationToken cancellationToken = default) =>
        server.ExecuteAsync(SqlText.CreateDatabase(name, owner), cancellationToken);
}

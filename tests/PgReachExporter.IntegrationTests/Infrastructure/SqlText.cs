using Npgsql;

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>Quoting and the superuser statements shared by every kind of <see cref="IPostgresServer"/>.</summary>
internal static class SqlText
{
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string CreateRole(string name, string? password, bool login) =>
        $"CREATE ROLE {Identifier(name)} {(login ? "LOGIN" : "NOLOGIN")}" +
        (password is null ? string.Empty : $" PASSWORD {Literal(password)}");

    public static string CreateDatabase(string name, string? owner) =>
        $"CREATE DATABASE {Identifier(name)}" + (owner is null ? string.Empty : $" OWNER {Identifier(owner)}");

    public static async Task ExecuteAsync(IPostgresServer server, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await server.OpenSuperuserAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<T?> ScalarAsync<T>(IPostgresServer server, string sql, CancellationToken cancellationToken)
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

    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
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
}

using Npgsql;

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>
/// What a test can do with any running PostgreSQL server, whether a local <see cref="PostgresCluster"/>
/// or a container started by Testcontainers.
/// </summary>
public interface IPostgresServer : IAsyncDisposable
{
    int Major { get; }

    /// <summary>Address clients reach the server at over TCP.</summary>
    string Host { get; }

    int Port { get; }

    /// <summary>A superuser connection string, pooling off.</summary>
    string SuperuserConnectionString { get; }

    /// <summary>A TCP connection string to <see cref="Host"/>:<see cref="Port"/> for the given login, pooling off.</summary>
    string ConnectionString(string username, string? password = null, string? database = null);

    Task<NpgsqlConnection> OpenSuperuserAsync(CancellationToken cancellationToken = default);

    Task ExecuteAsync(string sql, CancellationToken cancellationToken = default);

    /// <summary>First column of the first row; default when there is no row or it is NULL.</summary>
    Task<T?> ScalarAsync<T>(string sql, CancellationToken cancellationToken = default);

    Task CreateRoleAsync(string name, string? password, bool login = true, CancellationToken cancellationToken = default);

    Task CreateDatabaseAsync(string name, string? owner = null, CancellationToken cancellationToken = default);
}

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>
/// What a test can do with any running PostgreSQL server, whether a local <see cref="PostgresCluster"/>
/// or a container started by Testcontainers. The SQL conveniences are extension methods in <see cref="PostgresServerSql"/>.
/// </summary>
public interface IPostgresServer : IAsyncDisposable
{
    int Major { get; }

    /// <summary>Address clients reach the server at over TCP.</summary>
    string Host { get; }

    int Port { get; }

    /// <summary>A superuser connection string, pooling off.</summary>
    string SuperuserConnectionString { get; }
}

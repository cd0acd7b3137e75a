using Npgsql;
using Testcontainers.PostgreSql;

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>
/// The fallback when this machine has no PostgreSQL binaries but a Docker engine answers: a server in a
/// container started by Testcontainers. Only the shared default server comes from here.
/// </summary>
internal sealed class ContainerPostgresServer : IPostgresServer
{
    private const string Image = "postgres:15-alpine";
    private const string Password = "pgreach-it";

    private readonly PostgreSqlContainer _container;

    private ContainerPostgresServer(PostgreSqlContainer container, int major)
    {
        _container = container;
        Major = major;
    }

    public int Major { get; }

    public string Host => _container.Hostname;

    public int Port => _container.GetMappedPublicPort(PostgreSqlBuilder.PostgreSqlPort);

    public string SuperuserConnectionString => new NpgsqlConnectionStringBuilder(_container.GetConnectionString())
    {
        Pooling = false,
        Timeout = 10,
    }.ConnectionString;

    public static async Task<ContainerPostgresServer> StartAsync(CancellationToken cancellationToken)
    {
        var container = new PostgreSqlBuilder(Image).WithPassword(Password).Build();
        try
        {
            await container.StartAsync(cancellationToken).ConfigureAwait(false);
            var server = new ContainerPostgresServer(container, major: 0);
            var versionNum = await server.ScalarAsync<string>("SHOW server_version_num", cancellationToken).ConfigureAwait(false);
            return new ContainerPostgresServer(container, int.Parse(versionNum!, System.Globalization.CultureInfo.InvariantCulture) / 10000);
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }


    public ValueTask DisposeAsync() => _container.DisposeAsync();

    public override string ToString() => $"PostgreSQL {Major} in container {_container.Id} on {Host}:{Port}";
}

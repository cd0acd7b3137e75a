namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>
/// The shared fixture of the "PostgreSQL" test collection: one lazily started default server for tests
/// that only need a healthy server, and throwaway clusters made to order, all disposed at the end.
/// </summary>
/// <remarks>
/// With no local binaries, the default server comes from Testcontainers if a Docker engine answers;
/// with neither, every test that asks for a server fails with what to install.
/// </remarks>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly object _gate = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private Task<IPostgresServer>? _default;

    /// <summary>The shared healthy server (listen 127.0.0.1, default pg_hba.conf). Do not reconfigure it; make your own.</summary>
    public Task<IPostgresServer> DefaultServerAsync()
    {
        lock (_gate)
        {
            return _default ??= StartDefaultAsync();
        }
    }

    /// <summary>A new local cluster, stopped and deleted when the collection ends (or earlier, if the test disposes it).</summary>
    public async Task<PostgresCluster> NewClusterAsync(ClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        var cluster = await PostgresCluster.StartAsync(options, cancellationToken).ConfigureAwait(false);
        Own(cluster);
        return cluster;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        IAsyncDisposable[] owned;
        lock (_gate)
        {
            owned = [.. _owned];
            _owned.Clear();
        }

        foreach (var resource in owned)
        {
            await resource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<IPostgresServer> StartDefaultAsync()
    {
        IPostgresServer server;
        if (PostgresBinaries.All().Count > 0)
        {
            server = await PostgresCluster.StartAsync(new ClusterOptions()).ConfigureAwait(false);
        }
        else if (await DockerEngine.AnswersAsync().ConfigureAwait(false))
        {
            server = await ContainerPostgresServer.StartAsync(CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            throw new InvalidOperationException(
                "No PostgreSQL server for the integration tests: no local server binaries were found and no Docker engine answers. " +
                PostgresBinaries.InstallHint);
        }

        Own(server);
        return server;
    }

    private void Own(IAsyncDisposable resource)
    {
        lock (_gate)
        {
            _owned.Add(resource);
        }
    }
}

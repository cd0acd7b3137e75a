namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>Test classes marked [Collection(PostgreSqlCollection.Name)] share one <see cref="ClusterFixture"/> and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class PostgreSqlCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "PostgreSQL";
}

using System.Collections.Concurrent;

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>
/// One initdb per binary set per test run; every cluster is a copy of its template, because initdb
/// takes seconds on a small machine and a copy takes a fraction of one.
/// </summary>
internal static class ClusterTemplates
{
    /// <summary>The file each cluster writes its own settings into; postgresql.conf includes it last.</summary>
    public const string FixtureConfigFile = "pgreach.conf";

    // Throwaway clusters trade durability for speed.
    private const string TemplateSettings = $"""

        # Added by the PgReachExporter integration-test fixture.
        password_encryption = 'scram-sha-256'
        fsync = off
        synchronous_commit = off
        full_page_writes = off
        include_if_exists = '{FixtureConfigFile}'

        """;

    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Templates = new(StringComparer.Ordinal);

    public static Task<string> GetAsync(PostgresBinaries binaries, CancellationToken cancellationToken) =>
        Templates.GetOrAdd(binaries.BinDir, _ => new Lazy<Task<string>>(() => CreateAsync(binaries)))
            .Value.WaitAsync(cancellationToken);

    private static async Task<string> CreateAsync(PostgresBinaries binaries)
    {
        var directory = Path.Combine(ClusterWorkspace.Root, $"template-{binaries.Major}");
        var initdb = await OsCommand.RunAsync(
            binaries.Initdb,
            ["-D", directory, "-U", PostgresCluster.Superuser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
            TimeSpan.FromMinutes(3),
            asServerUser: true,
            libraryPath: binaries.LibDir).ConfigureAwait(false);
        if (!initdb.Succeeded)
        {
            throw new InvalidOperationException($"initdb of {binaries} failed: {initdb.Describe()}");
        }

        // Appending to a file keeps its owner, so the server user can still read it.
        await File.AppendAllTextAsync(Path.Combine(directory, "postgresql.conf"), TemplateSettings).ConfigureAwait(false);
        await OsCommand.RunCheckedAsync("touch", [Path.Combine(directory, FixtureConfigFile)], TimeSpan.FromSeconds(10), asServerUser: true)
            .ConfigureAwait(false);
        return directory;
    }
}

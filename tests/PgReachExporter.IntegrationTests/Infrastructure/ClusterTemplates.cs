using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>
/// initdb output to copy clusters from, because initdb takes seconds on a small machine and a copy a
/// fraction of one. Templates are kept across test runs in /tmp/pgreach-templates/, one per binary set
/// and template recipe, so most runs call initdb not at all.
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

    private static readonly string[] InitdbOptions = ["-U", PostgresCluster.Superuser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"];
    private static readonly string TemplatesRoot = Path.Combine(Path.GetTempPath(), "pgreach-templates");
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Templates = new(StringComparer.Ordinal);

    public static Task<string> GetAsync(PostgresBinaries binaries, CancellationToken cancellationToken) =>
        Templates.GetOrAdd(binaries.BinDir, _ => new Lazy<Task<string>>(() => Task.Run(() => FindOrCreateAsync(binaries))))
            .Value.WaitAsync(cancellationToken);

    private static async Task<string> FindOrCreateAsync(PostgresBinaries binaries)
    {
        var directory = Path.Combine(TemplatesRoot, $"{binaries.Version}-{RecipeHash(binaries)}");
        if (File.Exists(Path.Combine(directory, FixtureConfigFile)))
        {
            return directory;
        }

        ClusterWorkspace.CreateServerOwnedDirectory(TemplatesRoot);
        var building = $"{directory}.building-{Environment.ProcessId}";
        if (Directory.Exists(building))
        {
            Directory.Delete(building, recursive: true);
        }

        var initdb = await OsCommand.RunAsync(
            binaries.Initdb,
            ["-D", building, .. InitdbOptions],
            TimeSpan.FromMinutes(3),
            asServerUser: true,
            libraryPath: binaries.LibDir).ConfigureAwait(false);
        if (!initdb.Succeeded)
        {
            throw new InvalidOperationException($"initdb of {binaries} failed: {initdb.Describe()}");
        }

        // Appending to a file keeps its owner, so the server user can still read it.
        await File.AppendAllTextAsync(Path.Combine(building, "postgresql.conf"), TemplateSettings).ConfigureAwait(false);
        await OsCommand.RunCheckedAsync("touch", [Path.Combine(building, FixtureConfigFile)], TimeSpan.FromSeconds(10), asServerUser: true)
            .ConfigureAwait(false);

        // The rename publishes a complete template; a test process that got there first wins.
        try
        {
            Directory.Move(building, directory);
        }
        catch (IOException) when (Directory.Exists(directory))
        {
            Directory.Delete(building, recursive: true);
        }

        return directory;
    }

    /// <summary>Identifies the binaries and everything that shapes a template, so a changed recipe gets a new one.</summary>
    private static string RecipeHash(PostgresBinaries binaries)
    {
        var recipe = string.Join('\n', [binaries.BinDir, binaries.Version, TemplateSettings, .. InitdbOptions]);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(recipe)))[..12];
    }
}

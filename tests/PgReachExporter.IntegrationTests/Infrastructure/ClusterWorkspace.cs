using System.Collections.Concurrent;
using System.Globalization;

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>
/// The per-test-process directory (/tmp/pgreach-it-&lt;pid&gt;) holding the clusters, and their cleanup:
/// at process exit as a last resort, and at the next run for anything a killed run left behind.
/// </summary>
internal static class ClusterWorkspace
{
    public const string Prefix = "pgreach-it-";

    private static readonly Lazy<string> LazyRoot = new(Create);
    private static readonly ConcurrentDictionary<PostgresCluster, byte> Live = new();
    private static int _lastCluster;

    public static string Root => LazyRoot.Value;

    public static string NextClusterDirectory() => Path.Combine(Root, $"c{Interlocked.Increment(ref _lastCluster)}");

    public static void Track(PostgresCluster cluster) => Live.TryAdd(cluster, 0);

    public static void Untrack(PostgresCluster cluster) => Live.TryRemove(cluster, out _);

    /// <summary>Creates a directory the server user owns (rwxr-xr-x), so it can write below it.</summary>
    public static string CreateServerOwnedDirectory(string path)
    {
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }

        if (Posix.IsRoot)
        {
            OsCommand.Run("chown", [$"{OsCommand.ServerUser}:", path], TimeSpan.FromSeconds(10));
        }

        return path;
    }

    private static string Create()
    {
        RemoveLeftovers();
        var root = Path.Combine(Path.GetTempPath(), Prefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true); // left by an earlier process that had our pid
        }

        CreateServerOwnedDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => CleanUp(root);
        return root;
    }

    /// <summary>Runs at process exit, where the test host may be killed soon: signal all servers first, then wait.</summary>
    private static void CleanUp(string root)
    {
        var clusters = Live.Keys.ToArray();
        var pids = clusters.Select(c => c.ProcessId).OfType<int>().ToArray();
        PostgresCluster.Kill(pids);
        TryDelete(root);
    }

    /// <summary>Stops the servers and deletes the workspaces of test processes that no longer exist.</summary>
    private static void RemoveLeftovers()
    {
        foreach (var workspace in Directory.GetDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var owner = Path.GetFileName(workspace)[Prefix.Length..];
            if (!int.TryParse(owner, NumberStyles.None, CultureInfo.InvariantCulture, out var ownerPid) || Posix.IsAlive(ownerPid))
            {
                continue;
            }

            var postmasters = Directory.GetDirectories(workspace)
                .Select(dir => PostgresCluster.ReadPostmasterPid(Path.Combine(dir, "data")))
                .OfType<int>()
                .Where(IsPostgres)
                .ToArray();
            PostgresCluster.Kill(postmasters);
            TryDelete(workspace);
        }
    }

    private static bool IsPostgres(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("postgres", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // best effort: the next run removes what is left
        }
    }
}

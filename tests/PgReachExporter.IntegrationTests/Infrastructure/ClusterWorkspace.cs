using System.Collections.Concurrent;

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>
/// The per-test-run directory (/tmp/pgreach-it-&lt;pid&gt;) holding templates and clusters, and the
/// last-resort cleanup of every live cluster when the test process exits.
/// </summary>
internal static class ClusterWorkspace
{
    private static readonly Lazy<string> LazyRoot = new(Create);
    private static readonly ConcurrentDictionary<PostgresCluster, byte> Live = new();
    private static int _lastCluster;

    public static string Root => LazyRoot.Value;

    public static string NextClusterDirectory() => Path.Combine(Root, $"c{Interlocked.Increment(ref _lastCluster)}");

    public static void Track(PostgresCluster cluster) => Live.TryAdd(cluster, 0);

    public static void Untrack(PostgresCluster cluster) => Live.TryRemove(cluster, out _);

    private static string Create()
    {
        var root = $"/tmp/pgreach-it-{Environment.ProcessId}";
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true); // left by an earlier process that had our pid
        }

        Directory.CreateDirectory(root);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101); // rwxr-xr-x
        }

        if (Posix.IsRoot)
        {
            OsCommand.Run("chown", [$"{OsCommand.ServerUser}:", root], TimeSpan.FromSeconds(10));
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => CleanUp(root);
        return root;
    }

    private static void CleanUp(string root)
    {
        foreach (var cluster in Live.Keys)
        {
            cluster.KillNow();
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // best effort at process exit
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

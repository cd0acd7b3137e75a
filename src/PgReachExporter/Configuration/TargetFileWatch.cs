namespace PgReachExporter.Configuration;

/// <summary>
/// Watches the directories of the PgReach:TargetFiles patterns and calls back on any change in them: a file added,
/// written, renamed or removed (Kubernetes replaces a ConfigMap's files by renaming a link, so no file filter is used).
/// Follows the directories of the settings in force, so a reload that changes TargetFiles moves the watches too.
/// </summary>
internal sealed class TargetFileWatch(Action changed, string? alreadyWatched) : IDisposable
{
    private readonly Dictionary<string, FileSystemWatcher> _watchers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The directories watched now.</summary>
    public IReadOnlyCollection<string> Directories
    {
        get
        {
            lock (_gate)
            {
                return [.. _watchers.Keys];
            }
        }
    }

    /// <summary>Watches the directories of <paramref name="sources"/> and no others.</summary>
    public void Follow(IEnumerable<TargetFileSource> sources)
    {
        var wanted = sources.Select(s => s.Directory).Where(d => d != alreadyWatched).ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var stale in _watchers.Keys.Where(d => !wanted.Contains(d)).ToList())
            {
                _watchers.Remove(stale, out var watcher);
                watcher!.Dispose();
            }

            foreach (var directory in wanted.Where(d => !_watchers.ContainsKey(d)))
            {
                try
                {
                    var watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = false, EnableRaisingEvents = false };
                    watcher.Changed += (_, _) => changed();
                    watcher.Created += (_, _) => changed();
                    watcher.Renamed += (_, _) => changed();
                    watcher.Deleted += (_, _) => changed();
                    watcher.EnableRaisingEvents = true;
                    _watchers[directory] = watcher;
                }
                catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
                {
                    // The directory went away since it was read; SIGHUP still reloads, and the next good reload watches again.
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var watcher in _watchers.Values)
            {
                watcher.Dispose();
            }

            _watchers.Clear();
        }
    }
}

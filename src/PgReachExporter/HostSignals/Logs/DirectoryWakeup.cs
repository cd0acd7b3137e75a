using PgReachExporter.Configuration;
namespace PgReachExporter.HostSignals;

/// <summary>
/// Wakes the tailer when a followed file changes (inotify through FileSystemWatcher), or after the
/// fallback poll interval when no notification comes: a quiet log costs no CPU. Without a usable
/// watcher (directory missing or unreadable, inotify limits) only the poll remains.
/// </summary>
internal sealed class DirectoryWakeup : IDisposable
{
    private readonly LogLocation location;
    private readonly bool useWatcher;
    private FileSystemWatcher? watcher;
    private TaskCompletionSource signal = NewSignal();
    private int namesChanged = 1;
    private volatile string? followedName;

    public DirectoryWakeup(LogLocation location, bool useWatcher)
    {
        this.location = location;
        this.useWatcher = useWatcher;
        EnsureWatcher();
    }

    /// <summary>The file name being read; writes to any other matching file also mean "list the glob again".</summary>
    public string? FollowedName
    {
        set => followedName = value;
    }

    /// <summary>True while inotify notifications arrive (false: poll only).</summary>
    public bool Watching => watcher is not null;

    /// <summary>Call before looking at the files, so a change made while looking wakes the next wait.</summary>
    public void Arm()
    {
        if (signal.Task.IsCompleted)
        {
            Interlocked.Exchange(ref signal, NewSignal());
        }
    }

    /// <summary>
    /// True once after a file was created, deleted or renamed in the directory, after each poll that was
    /// not cut short by a notification, and whenever notifications are off: a glob needs listing again.
    /// </summary>
    public bool TakeNamesChanged() => Interlocked.Exchange(ref namesChanged, 0) == 1 || watcher is null;

    /// <summary>Waits for a change notification or the poll interval, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan pollInterval, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        EnsureWatcher();
        using var pollCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task poll = Task.Delay(pollInterval, timeProvider, pollCancellation.Token);
        Task first = await Task.WhenAny(Volatile.Read(ref signal).Task, poll).ConfigureAwait(false);
        await pollCancellation.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (first == poll)
        {
            // The slow poll also covers notifications that never came (overflow, network file systems).
            Volatile.Write(ref namesChanged, 1);
        }
    }

    public void Dispose() => watcher?.Dispose();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Wake() => Volatile.Read(ref signal).TrySetResult();

    private void EnsureWatcher()
    {
        if (!useWatcher || watcher is not null || !Directory.Exists(location.Directory))
        {
            return;
        }

        try
        {
            var created = new FileSystemWatcher(location.Directory)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.Attributes,
            };
            created.Changed += (_, e) => WakeFor(e.Name, listAgain: e.Name != followedName);
            created.Created += (_, e) => WakeFor(e.Name, listAgain: true);
            created.Deleted += (_, e) => WakeFor(e.Name, listAgain: true);
            created.Renamed += (_, e) =>
            {
                WakeFor(e.Name, listAgain: true);
                WakeFor(e.OldName, listAgain: true);
            };

            // Overflow or a removed directory: wake, look, and let the next wait re-create the watcher.
            created.Error += (_, _) =>
            {
                Interlocked.Exchange(ref watcher, null)?.Dispose();
                Volatile.Write(ref namesChanged, 1);
                Wake();
            };
            created.EnableRaisingEvents = true;
            watcher = created;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
        {
            // No notifications (inotify limits, permissions): the fallback poll keeps the tailer going.
            watcher = null;
        }
    }

    private void WakeFor(string? name, bool listAgain)
    {
        if (location.Matches(name))
        {
            if (listAgain)
            {
                Volatile.Write(ref namesChanged, 1);
            }

            Wake();
        }
    }
}

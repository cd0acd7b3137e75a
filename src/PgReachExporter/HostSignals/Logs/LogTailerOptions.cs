namespace PgReachExporter.HostSignals;

/// <summary>Tuning of <see cref="LogTailer"/>; the defaults suit a production server log.</summary>
internal sealed record LogTailerOptions
{
    /// <summary>Longer lines are dropped up to their newline and counted as line_too_long.</summary>
    public int MaxLineBytes { get; init; } = 64 * 1024;

    /// <summary>How often files are looked at when no change notification came.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>First wait after a failed open (permission denied, I/O error); doubles up to the maximum.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Start at the end of the file that exists at start-up (no replay of old events).</summary>
    public bool StartAtEnd { get; init; } = true;

    /// <summary>Use inotify notifications; off leaves only the poll (tests that drive time by hand).</summary>
    public bool UseFileSystemWatcher { get; init; } = true;

    /// <summary>
    /// How long a file that was renamed away or deleted is read on, after its last growth, while no new file takes
    /// its path: the server writes to it until it reopens its log (logrotate's postrotate step, pg_rotate_logfile()).
    /// </summary>
    public TimeSpan VanishedFileGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Upper bound of lines in one batch, so a burst is handed on in bounded pieces.</summary>
    public int MaxBatchLines { get; init; } = 4096;
}

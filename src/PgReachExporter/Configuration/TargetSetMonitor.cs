using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace PgReachExporter.Configuration;

/// <summary>
/// Holds the current, last good settings and re-reads them when the --config file changes or on SIGHUP.
/// A bad edit is reported and the last good targets keep running.
/// </summary>
internal sealed partial class TargetSetMonitor : IDisposable
{
    private static readonly TimeSpan SettleDelay = TimeSpan.FromMilliseconds(300);

    private readonly Func<AgentSettings> _reread;
    private readonly ILogger<TargetSetMonitor> _logger;
    private readonly TimeProvider _time;
    private readonly FileSystemWatcher? _watcher;
    private readonly PosixSignalRegistration? _hangup;
    private readonly TargetFileWatch _targetFiles;
    private readonly Lock _gate = new();

    // SIGHUP and the file watcher's timer call Reload on their own threads; one reload at a time, each against the last.
    private readonly Lock _reloading = new();
    private ITimer? _pending;

    public TargetSetMonitor(AgentSettings initial, Func<AgentSettings> reread, string? watchedFile, TimeProvider time, ILogger<TargetSetMonitor> logger)
    {
        Current = initial;
        _reread = reread;
        _time = time;
        _logger = logger;
        LastReloadSuccessful = true;
        LastSuccessfulReload = time.GetUtcNow();
        if (watchedFile is not null)
        {
            // Watch the directory: editors and Kubernetes ConfigMaps replace the file rather than write into it.
            _watcher = new FileSystemWatcher(Path.GetDirectoryName(watchedFile)!) { IncludeSubdirectories = false, EnableRaisingEvents = false };
            _watcher.Changed += (_, _) => ScheduleReload();
            _watcher.Created += (_, _) => ScheduleReload();
            _watcher.Renamed += (_, _) => ScheduleReload();
            _watcher.Deleted += (_, _) => ScheduleReload();
            _watcher.EnableRaisingEvents = true;
        }

        _targetFiles = new TargetFileWatch(ScheduleReload, watchedFile is null ? null : Path.GetDirectoryName(watchedFile));
        _targetFiles.Follow(initial.TargetFiles);
        if (!OperatingSystem.IsWindows())
        {
            _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                Reload();
            });
        }
    }

    public AgentSettings Current { get; private set; }

    public bool LastReloadSuccessful { get; private set; }

    public DateTimeOffset LastSuccessfulReload { get; private set; }

    /// <summary>Raised with the new settings after a successful reload that changed them.</summary>
    public event Action<AgentSettings>? Changed;

    /// <summary>Raised after every reload attempt, successful or not.</summary>
    public event Action? ReloadAttempted;

    private void ScheduleReload()
    {
        lock (_gate)
        {
            // Several events arrive for one save; reload once they settle.
            _pending?.Dispose();
            _pending = _time.CreateTimer(_ => Reload(), null, SettleDelay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Re-reads the settings now, after any reload already running; returns whether they were valid.</summary>
    public bool Reload()
    {
        lock (_reloading)
        {
            return ReloadNow();
        }
    }

    private bool ReloadNow()
    {
        AgentSettings next;
        try
        {
            next = _reread();
        }
        catch (ConfigurationException ex)
        {
            LastReloadSuccessful = false;
            LogReloadRejected(ex.Message);
            ReloadAttempted?.Invoke();
            return false;
        }

        var changed = !next.Targets.SequenceEqual(Current.Targets);
        lock (_gate)
        {
            Current = next;
            LastReloadSuccessful = true;
            LastSuccessfulReload = _time.GetUtcNow();
        }

        _targetFiles.Follow(next.TargetFiles);

        if (changed)
        {
            LogReloaded(next.Targets.Length);
            Changed?.Invoke(next);
        }

        ReloadAttempted?.Invoke();
        return true;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _hangup?.Dispose();
        _targetFiles.Dispose();
        lock (_gate)
        {
            _pending?.Dispose();
        }
    }

    [LoggerMessage(EventId = LogEvents.ConfigReloaded, Level = LogLevel.Information, Message = "Configuration reloaded: {TargetCount} target(s)")]
    private partial void LogReloaded(int targetCount);

    [LoggerMessage(EventId = LogEvents.ConfigRejected, Level = LogLevel.Error, Message = "Configuration reload rejected, keeping the last good targets: {Problems}")]
    private partial void LogReloadRejected(string problems);
}

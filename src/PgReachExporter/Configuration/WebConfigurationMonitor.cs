using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace PgReachExporter.Configuration;

/// <summary>
/// Holds the current, last good web configuration and re-reads it when the file or a certificate, key or CA file it
/// names changes, and on SIGHUP (as the --config file is). A bad edit is logged and counted, and the last good one stays.
/// Whether TLS is on is fixed at start (the listeners are built for it), so an edit that would switch it is rejected.
/// </summary>
internal sealed partial class WebConfigurationMonitor : IDisposable
{
    private static readonly TimeSpan SettleDelay = TimeSpan.FromMilliseconds(300);

    private readonly Func<string, WebConfiguration> _load;
    private readonly TimeProvider _time;
    private readonly ILogger<WebConfigurationMonitor> _logger;
    private readonly PosixSignalRegistration? _hangup;
    private readonly Lock _gate = new();
    private readonly Lock _reloading = new();
    private List<FileSystemWatcher> _watchers = [];
    private ITimer? _pending;
    private WebConfiguration _current;

    public WebConfigurationMonitor(WebConfiguration initial, TimeProvider time, ILogger<WebConfigurationMonitor> logger, Func<string, WebConfiguration>? load = null)
    {
        _current = initial;
        _load = load ?? WebConfiguration.Load;
        _time = time;
        _logger = logger;
        LastReloadSuccessful = true;
        LastSuccessfulReload = time.GetUtcNow();
        WarnUnhonoured(initial);
        Watch(initial);
        if (!OperatingSystem.IsWindows())
        {
            _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                Reload();
            });
        }
    }

    /// <summary>The configuration every request and handshake uses now.</summary>
    public WebConfiguration Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public bool LastReloadSuccessful { get; private set; }

    public DateTimeOffset LastSuccessfulReload { get; private set; }

    /// <summary>Raised after every reload attempt with whether it was applied.</summary>
    public event Action<bool>? ReloadAttempted;

    /// <summary>Re-reads the file and the files it names now, after any reload already running; returns whether they were valid.</summary>
    public bool Reload()
    {
        lock (_reloading)
        {
            return ReloadNow();
        }
    }

    private bool ReloadNow()
    {
        var before = Current;
        WebConfiguration next;
        try
        {
            next = _load(before.File);
            if ((next.Tls is null) != (before.Tls is null))
            {
                throw new ConfigurationException([new(before.File, null, "tls_server_config",
                    next.Tls is null ? "was removed, but the agent listens with TLS; restart it to serve plain HTTP" : "was added, but the agent listens on plain HTTP; restart it to serve TLS")]);
            }
        }
        catch (ConfigurationException ex)
        {
            LastReloadSuccessful = false;
            LogRejected(ex.Message);
            ReloadAttempted?.Invoke(false);
            return false;
        }

        lock (_gate)
        {
            _current = next;
            LastReloadSuccessful = true;
            LastSuccessfulReload = _time.GetUtcNow();
        }

        if (next.Document != before.Document || next.Tls?.Certificate.Thumbprint != before.Tls?.Certificate.Thumbprint
            || !SameCas(next.Tls, before.Tls))
        {
            LogReloaded(next.Document.Users.Count, next.Tls?.Certificate.SerialNumber ?? "none", next.Tls?.Certificate.NotAfter.ToUniversalTime().ToString("u") ?? "-");
            WarnUnhonoured(next);
        }

        if (!next.WatchedFiles.SequenceEqual(before.WatchedFiles))
        {
            Watch(next);
        }

        ReloadAttempted?.Invoke(true);
        return true;
    }

    private static bool SameCas(WebTlsMaterial? a, WebTlsMaterial? b) =>
        (a?.ClientCas.Select(c => c.Thumbprint) ?? []).SequenceEqual(b?.ClientCas.Select(c => c.Thumbprint) ?? []);

    private void WarnUnhonoured(WebConfiguration configuration)
    {
        if (configuration.Document.Tls is { CurvePreferences.IsEmpty: false })
        {
            LogCurvesIgnored(configuration.File);
        }
    }

    /// <summary>Watches the directory of each file: editors, cert-manager and Kubernetes Secrets replace files rather than write into them.</summary>
    private void Watch(WebConfiguration configuration)
    {
        var watchers = new List<FileSystemWatcher>();
        foreach (var directory in configuration.WatchedFiles.Select(Path.GetDirectoryName).OfType<string>().Distinct().Where(Directory.Exists))
        {
            var watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = false, EnableRaisingEvents = false };
            watcher.Changed += (_, _) => ScheduleReload();
            watcher.Created += (_, _) => ScheduleReload();
            watcher.Renamed += (_, _) => ScheduleReload();
            watcher.Deleted += (_, _) => ScheduleReload();
            watcher.EnableRaisingEvents = true;
            watchers.Add(watcher);
        }

        List<FileSystemWatcher> old;
        lock (_gate)
        {
            old = _watchers;
            _watchers = watchers;
        }

        old.ForEach(w => w.Dispose());
    }

    private void ScheduleReload()
    {
        lock (_gate)
        {
            // One save (or a certificate and its key written one after the other) is several events: reload once they settle.
            _pending?.Dispose();
            _pending = _time.CreateTimer(_ => Reload(), null, SettleDelay, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        _hangup?.Dispose();
        lock (_gate)
        {
            _pending?.Dispose();
            _watchers.ForEach(w => w.Dispose());
            _watchers = [];
        }
    }

    [LoggerMessage(EventId = LogEvents.WebConfigReloaded, Level = LogLevel.Information,
        Message = "Web configuration reloaded: {UserCount} basic auth user(s), certificate serial {Serial} (valid until {NotAfter})")]
    private partial void LogReloaded(int userCount, string serial, string notAfter);

    [LoggerMessage(EventId = LogEvents.WebConfigRejected, Level = LogLevel.Error, Message = "Web configuration reload rejected, keeping the last good one: {Problems}")]
    private partial void LogRejected(string problems);

    [LoggerMessage(EventId = LogEvents.WebConfigNotHonoured, Level = LogLevel.Warning,
        Message = "{File}: tls_server_config.curve_preferences is accepted but not applied: .NET offers no way to choose the key exchange groups, OpenSSL's defaults apply")]
    private partial void LogCurvesIgnored(string file);
}

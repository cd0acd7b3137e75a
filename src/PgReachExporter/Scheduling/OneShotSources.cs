using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;
using PgReachExporter.Probes.ServerChecks;

namespace PgReachExporter.Scheduling;

/// <summary>
/// The host stage for a single cycle (`diagnose`): the server log read back once, as the agent reads it at start
/// (the current postmaster's start-up lines), and the socket table under the same rule as the agent's.
/// </summary>
internal sealed class OneShotHostEvidence(ListenerTables tables, TimeProvider time) : IHostEvidenceSource
{
    private const int MaxLineBytes = 64 * 1024;
    private const int MaxBatchLines = 4096;
    private readonly ListenerTableRule _rule = new(time);

    public void TargetAdded(TargetDefinition target)
    {
    }

    public ValueTask<HostObservation?> GatherAsync(TargetDefinition target, TargetCycle cycle, CancellationToken stopping)
    {
        var log = target.LogPath is { } path ? ReadLog(path, target.LogFormat) : null;
        var listener = _rule.Reads(target, cycle.Dns) ? tables.Inspect(target.Port, target.ListenerPid, cycle.StartedAt) : null;
        return ValueTask.FromResult(log is null && listener is null ? null : new HostObservation(time.GetUtcNow(), log, listener));
    }

    public void TargetRemoved(string target)
    {
    }

    private ServerLogObservation ReadLog(string logPath, LogFormat format)
    {
        var location = LogLocation.Parse(logPath, format);
        var description = Path.Combine(location.Directory, location.FilePattern);
        var counter = new LogEventCounter(format, time);
        var current = location.CurrentFile();
        if (current is null || !File.Exists(current))
        {
            return new(description, counter.Snapshot(), Health(current, LogTailerState.Missing, LogReadError.Missing, $"no file at {description}"));
        }

        // As the tailer: a FIFO in the log's place would block the open, a device would never end.
        if (FileKind.Of(current) is FileKind.Kind.Directory or FileKind.Kind.Other)
        {
            return new(description, counter.Snapshot(), Health(current, LogTailerState.Failing, LogReadError.Io, $"{current} is not a regular file; the server log must be one"));
        }

        try
        {
            using var handle = File.OpenHandle(current, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            foreach (var region in LogHistory.Locate(location, current, handle, RandomAccess.GetLength(handle), time.GetUtcNow()))
            {
                foreach (var batch in LogHistory.Read(region, region.Path == current ? handle : null, MaxLineBytes, MaxBatchLines))
                {
                    counter.Add(batch);
                }
            }

            return new(description, counter.Snapshot(), Health(current, LogTailerState.Following, null, null));
        }
        catch (UnauthorizedAccessException e)
        {
            return new(description, counter.Snapshot(), Health(current, LogTailerState.PermissionDenied, LogReadError.PermissionDenied, e.Message));
        }
        catch (IOException e)
        {
            return new(description, counter.Snapshot(), Health(current, LogTailerState.Failing, LogReadError.Io, e.Message));
        }
    }

    private static LogTailerHealth Health(string? file, LogTailerState state, LogReadError? error, string? message) =>
        new(file, state, 0, LogReadErrorLabels.All.ToImmutableDictionary(e => e, e => e == error ? 1L : 0L), file is null ? 0 : 1, false, message);
}

/// <summary>
/// The server stage for a single cycle (`diagnose`): the target's monitoring connection is opened when the target is
/// added, in parallel with the probes, and the checks run once when the pipeline asks.
/// </summary>
internal sealed class OneShotServerEvidence(TimeProvider time, ILoggerFactory loggers) : IServerEvidenceSource, IAsyncDisposable
{
    private MonitoringSession? _session;
    private Task<bool>? _connected;

    public void TargetAdded(TargetDefinition target)
    {
        if (target.Monitoring is { } monitoring)
        {
            _session = new MonitoringSession(target.Name, monitoring, time, loggers.CreateLogger<MonitoringSession>());
            _connected = _session.WaitConnectedAsync(monitoring.ConnectTimeout + TimeSpan.FromSeconds(1), CancellationToken.None);
        }
    }

    public async ValueTask<ServerEvidence?> GatherAsync(TargetDefinition target, CancellationToken stopping)
    {
        if (_session is null || _connected is null)
        {
            return null;
        }

        await _connected.WaitAsync(stopping).ConfigureAwait(false);
        var view = await new ServerViewProbe(target, _session, time).RunAsync(stopping).ConfigureAwait(false);
        return ServerEvidenceMapper.ToEvidence(view);
    }

    public void TargetRemoved(string target)
    {
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync().ConfigureAwait(false);
        }
    }
}

using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;

namespace PgReachExporter.Scheduling;

/// <summary>
/// One target's host-side watch: its log source and event counter, the loop that follows the log, and a gate so
/// nothing is published for the target once it is stopped (its series are being removed).
/// </summary>
internal sealed class TargetHostWatch(TargetDefinition target, IServerLogSource? log, CancellationToken stopping) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    private bool _stopped;

    public TargetDefinition Target { get; } = target;

    /// <summary>The log source; null when the target reads no log.</summary>
    public IServerLogSource? Log { get; } = log;

    public LogEventCounter? Counter { get; } = log is null ? null : new LogEventCounter(target.LogFormat);

    /// <summary>The log loop; completed when there is none.</summary>
    public Task Loop { get; set; } = Task.CompletedTask;

    public CancellationToken Stopping => _cancellation.Token;

    /// <summary>True while the last socket table read had errors (they are logged once per episode).</summary>
    public bool ListenerUnreadable { get; set; }

    /// <summary>The log as read so far; null when the target reads no log.</summary>
    public ServerLogObservation? LogObservation() =>
        Log is null || Counter is null ? null : new ServerLogObservation(Log.Description, Counter.Snapshot(), Log.Health());

    /// <summary>Runs <paramref name="publish"/> unless the watch was stopped; never concurrently with <see cref="Stop"/>.</summary>
    public void Publish(Action publish)
    {
        lock (_gate)
        {
            if (!_stopped)
            {
                publish();
            }
        }
    }

    /// <summary>Stops publishing now and cancels the loop; the loop ends on its own.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
        }

        _cancellation.Cancel();
    }

    public void Dispose() => _cancellation.Dispose();
}

using System.Collections.Concurrent;
using System.Globalization;
using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;
using PgReachExporter.Scheduling;
using Prometheus;

namespace PgReachExporter.Metrics;

/// <summary>
/// Writes the host's view of each target into the pgreach_log_* and pgreach_listener_* families. Counters are
/// set to the reader's running totals; label sets that no longer hold (an earlier start's listeners, an address
/// no longer bound) lose their series.
/// </summary>
internal sealed class HostSignalMetricsWriter(ReachMetrics metrics) : ICycleOutput, ILogObserver
{
    internal const string UnknownProcess = "unknown";

    private readonly ConcurrentDictionary<string, Lock> _targets = new(StringComparer.Ordinal);

    public void TargetAdded(TargetDefinition target)
    {
        var name = target.Name;
        _targets[name] = new Lock();
        if (target.LogPath is null)
        {
            return;
        }

        // Every event and every reason from the start, so increase() and alerts work without absent().
        foreach (var logEvent in LogEventLabels.All)
        {
            metrics.LogEvents.WithLabels(name, logEvent.ToLabel()).Inc(0);
        }

        foreach (var reason in LogReadErrorLabels.All)
        {
            metrics.LogReadErrors.WithLabels(name, reason.ToLabel()).Inc(0);
        }

        metrics.LogLines.WithLabels(name).Inc(0);
    }

    public void LogObserved(TargetDefinition target, ServerLogObservation log)
    {
        if (_targets.TryGetValue(target.Name, out var gate))
        {
            lock (gate)
            {
                WriteLog(target.Name, log);
            }
        }
    }

    /// <summary>After each cycle: the log as above (so reader errors show while no line comes) and the socket table if it was read.</summary>
    public void CycleCompleted(CycleRecord record)
    {
        if (!_targets.TryGetValue(record.Target.Name, out var gate))
        {
            return;
        }

        lock (gate)
        {
            if (record.Host?.Log is { } log)
            {
                WriteLog(record.Target.Name, log);
            }

            WriteListener(record.Target.Name, record.Host?.Listener);
        }
    }

    public void TargetRemoved(string target)
    {
        _targets.TryRemove(target, out _);
        metrics.LogEvents.RemoveTarget(target);
        metrics.LogLastEventTimestamp.RemoveTarget(target);
        metrics.LogListening.RemoveTarget(target);
        metrics.LogReadErrors.RemoveTarget(target);
        metrics.ListenerBound.RemoveTarget(target);
        metrics.ListenerInfo.RemoveTarget(target);
        metrics.LogLines.RemoveLabelled(target);
        metrics.ListenerPresent.RemoveLabelled(target);
    }

    private void WriteLog(string name, ServerLogObservation log)
    {
        foreach (var (logEvent, tally) in log.Events.Events)
        {
            var label = logEvent.ToLabel();
            metrics.LogEvents.WithLabels(name, label).IncTo(tally.Count);
            if (tally.LastAt is { } at)
            {
                metrics.LogLastEventTimestamp.WithLabels(name, label).Set(at.ToUnixTimeMilliseconds() / 1000.0);
            }
        }

        var listening = log.Events.Listening
            .Select(l => new[] { name, l.Address, l.Port.ToString(CultureInfo.InvariantCulture) })
            .ToList();
        Replace(metrics.LogListening, name, listening);

        metrics.LogLines.WithLabels(name).IncTo(log.Health.Lines);
        foreach (var (reason, count) in log.Health.ReadErrors)
        {
            metrics.LogReadErrors.WithLabels(name, reason.ToLabel()).IncTo(count);
        }
    }

    private void WriteListener(string name, ListenerObservation? listener)
    {
        // Not read for this target, or unreadable with nothing found: unknown, so no series rather than a false 0.
        if (listener is null || (!listener.Complete && !listener.Present))
        {
            Replace(metrics.ListenerBound, name, []);
            Replace(metrics.ListenerInfo, name, []);
            metrics.ListenerPresent.RemoveLabelled(name);
            return;
        }

        metrics.ListenerPresent.WithLabels(name).Set(listener.Present ? 1 : 0);
        Replace(metrics.ListenerBound, name,
            [.. listener.Listeners.Select(l => new[] { name, l.Socket.AddressLabel, l.Socket.Family.ToLabel() })]);
        Replace(metrics.ListenerInfo, name,
            [.. listener.Listeners.Select(l => new[] { name, l.Socket.AddressLabel, l.Socket.Family.ToLabel(), l.Owner?.ProcessName is { Length: > 0 } process ? process : UnknownProcess })]);
    }

    /// <summary>
    /// Sets 1 for each label set of <paramref name="target"/> now true and removes the series written before that no
    /// longer are (the family knows a target's label sets; nothing else keeps them).
    /// </summary>
    private static void Replace(LabelledValueFamily family, string target, IReadOnlyList<string[]> now)
    {
        foreach (var written in family.LabelSetsOf(target))
        {
            if (!now.Any(labels => LabelValuesComparer.Instance.Equals(labels, written)))
            {
                family.RemoveLabelled(written);
            }
        }

        foreach (var labels in now)
        {
            family.WithLabels(labels).Set(1);
        }
    }
}

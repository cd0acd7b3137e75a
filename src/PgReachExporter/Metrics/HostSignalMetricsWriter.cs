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

    private readonly ConcurrentDictionary<string, WrittenSeries> _targets = new(StringComparer.Ordinal);

    public void TargetAdded(TargetDefinition target)
    {
        var name = target.Name;
        _targets[name] = new WrittenSeries();
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
        if (_targets.TryGetValue(target.Name, out var written))
        {
            lock (written.Gate)
            {
                WriteLog(target.Name, log, written);
            }
        }
    }

    /// <summary>After each cycle: the log as above (so reader errors show while no line comes) and the socket table if it was read.</summary>
    public void CycleCompleted(CycleRecord record)
    {
        if (!_targets.TryGetValue(record.Target.Name, out var written))
        {
            return;
        }

        lock (written.Gate)
        {
            if (record.Host?.Log is { } log)
            {
                WriteLog(record.Target.Name, log, written);
            }

            WriteListener(record.Target.Name, record.Host?.Listener, written);
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

    private void WriteLog(string name, ServerLogObservation log, WrittenSeries written)
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
        Replace(metrics.LogListening, written.Listening, listening);

        metrics.LogLines.WithLabels(name).IncTo(log.Health.Lines);
        foreach (var (reason, count) in log.Health.ReadErrors)
        {
            metrics.LogReadErrors.WithLabels(name, reason.ToLabel()).IncTo(count);
        }
    }

    private void WriteListener(string name, ListenerObservation? listener, WrittenSeries written)
    {
        // Not read for this target, or unreadable with nothing found: unknown, so no series rather than a false 0.
        if (listener is null || (!listener.Complete && !listener.Present))
        {
            Replace(metrics.ListenerBound, written.Bound, []);
            Replace(metrics.ListenerInfo, written.Info, []);
            metrics.ListenerPresent.RemoveLabelled(name);
            return;
        }

        metrics.ListenerPresent.WithLabels(name).Set(listener.Present ? 1 : 0);
        Replace(metrics.ListenerBound, written.Bound,
            [.. listener.Listeners.Select(l => new[] { name, l.Socket.AddressLabel, l.Socket.Family.ToLabel() })]);
        Replace(metrics.ListenerInfo, written.Info,
            [.. listener.Listeners.Select(l => new[] { name, l.Socket.AddressLabel, l.Socket.Family.ToLabel(), l.Owner?.ProcessName is { Length: > 0 } process ? process : UnknownProcess })]);
    }

    /// <summary>Sets 1 for each label set now true and removes the series of those written before that no longer are.</summary>
    private static void Replace(PerTargetFamily<Gauge.Child> family, HashSet<string> written, IReadOnlyList<string[]> now)
    {
        var keys = now.GroupBy(Key).ToDictionary(g => g.Key, g => g.First());
        foreach (var stale in written.Where(k => !keys.ContainsKey(k)).ToList())
        {
            family.RemoveLabelled(stale.Split('\0'));
            written.Remove(stale);
        }

        foreach (var (key, labels) in keys)
        {
            family.WithLabels(labels).Set(1);
            written.Add(key);
        }
    }

    private static string Key(string[] labels) => string.Join('\0', labels);

    /// <summary>The label sets written for one target, so the ones that stop holding can be removed. Locked per target.</summary>
    private sealed class WrittenSeries
    {
        public Lock Gate { get; } = new();
        public HashSet<string> Listening { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Bound { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Info { get; } = new(StringComparer.Ordinal);
    }
}

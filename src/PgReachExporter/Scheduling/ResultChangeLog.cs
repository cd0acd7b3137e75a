using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PgReachExporter.Classification;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.Scheduling;

/// <summary>Logs one line when a target's outcome changes, not one per cycle.</summary>
internal sealed partial class ResultChangeLog(ILogger<ResultChangeLog> logger) : ICycleOutput
{
    private readonly ConcurrentDictionary<string, string> _last = new(StringComparer.Ordinal);

    public void TargetAdded(TargetDefinition target)
    {
    }

    public void CycleCompleted(CycleRecord record)
    {
        var (target, cycle) = (record.Target, record.Cycle);
        var summary = Summarise(cycle);
        var previous = _last.GetValueOrDefault(target.Name);
        if (previous == summary)
        {
            return;
        }

        _last[target.Name] = summary;
        var problem = cycle.Login.Succeeded ? null : cycle.Login.Problem;
        if (cycle.Up)
        {
            LogReachable(target.Name, target.Endpoint, summary, previous ?? "first probe");
        }
        else
        {
            LogUnreachable(target.Name, target.Endpoint, summary, previous ?? "first probe", problem ?? "");
        }
    }

    public void TargetRemoved(string target) => _last.TryRemove(target, out _);

    /// <summary>The outcome in one comparable line: TCP per address, then login.</summary>
    internal static string Summarise(TargetCycle cycle)
    {
        var tcp = cycle.Tcp.IsEmpty
            ? $"dns {cycle.Dns.Result.ToString().ToLowerInvariant()}"
            : string.Join(", ", cycle.Tcp.Select(t => $"{t.Address} {t.Result.Label()}"));
        return $"tcp {tcp}; login {cycle.Login.Result.Label()}";
    }

    [LoggerMessage(EventId = LogEvents.TargetStateChanged, Level = LogLevel.Information,
        Message = "Target {Target} ({Endpoint}) is reachable: {Outcome} (was: {Previous})")]
    private partial void LogReachable(string target, string endpoint, string outcome, string previous);

    [LoggerMessage(EventId = LogEvents.TargetStateChanged, Level = LogLevel.Warning,
        Message = "Target {Target} ({Endpoint}) is not reachable: {Outcome} (was: {Previous}) {Problem}")]
    private partial void LogUnreachable(string target, string endpoint, string outcome, string previous, string problem);
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;
using PgReachExporter.Probes.ServerChecks;

namespace PgReachExporter.Scheduling;

/// <summary>Logs one line when a server check's result changes (e.g. to permission_denied, with the server's reason), not one per cycle.</summary>
internal sealed partial class ServerCheckChangeLog(ILogger<ServerCheckChangeLog> logger) : IServerViewSink
{
    private readonly ConcurrentDictionary<(string Target, string Check), ServerCheckResult> _last = new();

    public void TargetAdded(TargetDefinition target)
    {
    }

    public void ViewCompleted(TargetDefinition target, ServerView view)
    {
        foreach (var (check, result, problem) in view.CheckResults)
        {
            var key = (target.Name, check);
            var previous = _last.TryGetValue(key, out var last) ? last : (ServerCheckResult?)null;
            if (previous == result)
            {
                continue;
            }

            _last[key] = result;
            if (result == ServerCheckResult.Ok)
            {
                if (previous is not null)
                {
                    LogCheckOk(target.Name, check, previous.Value.Label());
                }
            }
            else
            {
                LogCheckFailing(target.Name, check, result.Label(), problem ?? "");
            }
        }
    }

    public void TargetRemoved(string target)
    {
        foreach (var key in _last.Keys.Where(k => k.Target == target))
        {
            _last.TryRemove(key, out _);
        }
    }

    [LoggerMessage(EventId = LogEvents.ServerCheckChanged, Level = LogLevel.Warning,
        Message = "Server check {Check} of target {Target}: {Result}: {Problem}")]
    private partial void LogCheckFailing(string target, string check, string result, string problem);

    [LoggerMessage(EventId = LogEvents.ServerCheckChanged, Level = LogLevel.Information,
        Message = "Server check {Check} of target {Target} is ok again (was {Previous})")]
    private partial void LogCheckOk(string target, string check, string previous);
}

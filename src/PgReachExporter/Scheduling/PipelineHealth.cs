using System.Collections.Concurrent;

namespace PgReachExporter.Scheduling;

/// <summary>
/// How often each stage of the agent's work failed unexpectedly (a bug or an unforeseen error, never an expected probe
/// failure): the pipeline's gather, verdict and output stages, a target's loop, and reconciling the target set. The
/// stage names are a closed set fixed at start, so the metric's label stays bounded.
/// </summary>
internal sealed class PipelineHealth
{
    public const string Probe = "probe";
    public const string Host = "host";
    public const string Server = "server";
    public const string Verdict = "verdict";
    public const string Loop = "loop";
    public const string Reconcile = "reconcile";

    private readonly ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);

    public PipelineHealth(IEnumerable<string>? outputStages = null)
    {
        foreach (var stage in (string[])[Probe, Host, Server, Verdict, Loop, Reconcile, .. outputStages ?? []])
        {
            _failures[stage] = 0;
        }
    }

    /// <summary>Every stage with its failure count, zero included.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Snapshot() => [.. _failures.OrderBy(f => f.Key, StringComparer.Ordinal)];

    public long Failures(string stage) => _failures.GetValueOrDefault(stage);

    public void Failed(string stage)
    {
        if (!_failures.ContainsKey(stage))
        {
            throw new ArgumentException($"'{stage}' is not a stage of the pipeline.", nameof(stage));
        }

        _failures.AddOrUpdate(stage, 1, (_, count) => count + 1);
    }
}

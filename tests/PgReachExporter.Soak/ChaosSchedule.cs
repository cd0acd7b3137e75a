namespace PgReachExporter.Soak;

/// <summary>
/// The seeded order and pacing of events: the same seed, clusters and targets give the same sequence of kinds,
/// subjects and gaps (what the agent answers, and so how long each check takes, still varies).
/// </summary>
internal sealed class ChaosSchedule(int seed, TimeSpan meanGap, int clusters)
{
    // Relative weights: the disruptive events more often than the config edits, which are cheap and quick to check.
    private static readonly (ChaosKind Kind, int Weight)[] Weights =
    [
        (ChaosKind.RestartCluster, 2), (ChaosKind.PausePostmaster, 2), (ChaosKind.SwitchBlackHole, 2),
        (ChaosKind.RotateLog, 2), (ChaosKind.CopyTruncateLog, 2), (ChaosKind.AddTarget, 1),
        (ChaosKind.RemoveTarget, 1), (ChaosKind.InvalidJson, 1), (ChaosKind.BadPort, 1),
    ];

    private readonly Random _random = new(seed);

    public (ChaosKind Kind, int Cluster, TimeSpan GapAfter) Next()
    {
        var pick = _random.Next(Weights.Sum(w => w.Weight));
        var kind = Weights[^1].Kind;
        foreach (var (candidate, weight) in Weights)
        {
            if (pick < weight)
            {
                kind = candidate;
                break;
            }

            pick -= weight;
        }

        var cluster = _random.Next(clusters);
        var gap = meanGap * (0.5 + _random.NextDouble());
        return (kind, cluster, gap);
    }
}

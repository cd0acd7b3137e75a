namespace PgReachExporter.Soak;

/// <summary>The trouble the soak causes; each is injected and then checked against what the agent reports.</summary>
internal enum ChaosKind
{
    RestartCluster,
    PausePostmaster,
    SwitchBlackHole,
    RotateLog,
    CopyTruncateLog,
    AddTarget,
    RemoveTarget,
    InvalidJson,
    BadPort,
}

/// <summary>One injected event and whether the agent was seen to notice it within its bound.</summary>
internal sealed record ChaosOutcome(TimeSpan At, ChaosKind Kind, string Subject, bool Seen, TimeSpan Took, string Expected);

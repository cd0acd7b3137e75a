namespace PgReachExporter;

/// <summary>Event ids of the agent's log messages, in one place so they stay unique.</summary>
internal static class LogEvents
{
    public const int AgentStarted = 1;
    public const int DefaultTarget = 2;
    public const int ShardSelected = 3;
    public const int ConfigReloaded = 10;
    public const int ConfigRejected = 11;
    public const int WebConfigReloaded = 12;
    public const int WebConfigRejected = 13;
    public const int WebConfigNotHonoured = 14;
    public const int TargetStarted = 20;
    public const int TargetStopped = 21;
    public const int TargetStateChanged = 22;
    public const int ProbeCycleFailed = 23;
    public const int ProbeOverrun = 24;
    public const int PipelineStageFailed = 25;
    public const int TargetLoopFailed = 26;
    public const int TargetSetReconcileFailed = 27;
    public const int MonitoringConnected = 30;
    public const int MonitoringConnectFailed = 31;
    public const int MonitoringLost = 32;
    public const int ServerCheckChanged = 33;
    public const int ServerViewFailed = 34;
    public const int ProbeDenied = 40;

    // The server log tailer.
    public const int LogFileFollowing = 3101;
    public const int LogFileSwitched = 3102;
    public const int LogFileTruncated = 3103;
    public const int LogReadFailed = 3104;
    public const int LogReadRecovered = 3105;
    public const int LogFileVanished = 3106;
    public const int LogHistoryRead = 3107;
    public const int LogHistoryUnreadable = 3108;

    // The host's view of each target: log loop and socket table.
    public const int HostSignalsStarted = 3110;
    public const int HostSignalsFailed = 3111;
    public const int ListenerTableUnreadable = 3112;
    public const int HostSignalsStopAbandoned = 3113;
}

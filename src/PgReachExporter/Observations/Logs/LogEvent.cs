namespace PgReachExporter.Observations;

/// <summary>A server-log event that says something about reachability; closed set.</summary>
internal enum LogEvent
{
    CouldNotBind,
    NoListenSocket,
    NoHbaEntry,
    HbaReject,
    PasswordFailed,
    TooManyClients,
    HbaNotReloaded,
    ConfigFileErrors,
    Listening,
}

/// <summary>Metric label values of <see cref="LogEvent"/>, defined once.</summary>
internal static class LogEventLabels
{
    public static IReadOnlyList<LogEvent> All { get; } = Enum.GetValues<LogEvent>();

    public static string ToLabel(this LogEvent logEvent) => logEvent switch
    {
        LogEvent.CouldNotBind => "could_not_bind",
        LogEvent.NoListenSocket => "no_listen_socket",
        LogEvent.NoHbaEntry => "no_hba_entry",
        LogEvent.HbaReject => "hba_reject",
        LogEvent.PasswordFailed => "password_failed",
        LogEvent.TooManyClients => "too_many_clients",
        LogEvent.HbaNotReloaded => "hba_not_reloaded",
        LogEvent.ConfigFileErrors => "config_file_errors",
        LogEvent.Listening => "listening",
        _ => throw new ArgumentOutOfRangeException(nameof(logEvent), logEvent, null),
    };
}

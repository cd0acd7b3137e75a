namespace PgReachExporter.Observations;

/// <summary>The server-side checks run over a target's monitoring connection; each is reported on its own.</summary>
internal enum ServerCheck
{
    /// <summary>pg_settings: listen_addresses, port, hba_file, socket directories, connection limits, pending restarts.</summary>
    Settings,

    /// <summary>version, server address and port, system identifier, postmaster start and configuration load times.</summary>
    Identity,

    /// <summary>pg_hba_file_rules.</summary>
    HbaRules,

    /// <summary>pg_stat_file(hba_file) against pg_conf_load_time().</summary>
    HbaReload,

    /// <summary>pg_stat_activity client backends by state.</summary>
    Connections,

    /// <summary>pg_roles and pg_auth_members, for +role and samerole in pg_hba.conf.</summary>
    Roles,

    /// <summary>New lines of the server's current log file (pg_current_logfile, pg_read_binary_file); only when enabled.</summary>
    LogRemote,
}

/// <summary>What became of one check in one cycle.</summary>
internal enum ServerCheckResult
{
    Ok,

    /// <summary>The monitoring role lacks a privilege (SQLSTATE 42501) or cannot see a setting.</summary>
    PermissionDenied,

    /// <summary>The server's version lacks what the check reads (a function, view or column).</summary>
    Unsupported,

    Error,
}

/// <summary>Label values of <see cref="ServerCheck"/> and <see cref="ServerCheckResult"/>.</summary>
internal static class ServerChecks
{
    public static readonly ServerCheck[] All = Enum.GetValues<ServerCheck>();
    public static readonly ServerCheckResult[] Results = Enum.GetValues<ServerCheckResult>();

    public static string Label(this ServerCheck check) => check switch
    {
        ServerCheck.Settings => "settings",
        ServerCheck.Identity => "identity",
        ServerCheck.HbaRules => "hba_rules",
        ServerCheck.HbaReload => "hba_reload",
        ServerCheck.Connections => "connections",
        ServerCheck.Roles => "roles",
        ServerCheck.LogRemote => "log_remote",
        _ => throw new ArgumentOutOfRangeException(nameof(check), check, null),
    };

    public static string Label(this ServerCheckResult result) => result switch
    {
        ServerCheckResult.Ok => "ok",
        ServerCheckResult.PermissionDenied => "permission_denied",
        ServerCheckResult.Unsupported => "unsupported",
        _ => "error",
    };
}

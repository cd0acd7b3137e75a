namespace PgReachExporter.Probes.ServerChecks;

/// <summary>
/// Everything one cycle of server-side checks saw for a target. A check that did not run is null; when the monitoring
/// connection is down none ran and <see cref="Connected"/> is false.
/// </summary>
internal sealed record ServerView
{
    public required string Target { get; init; }
    public required DateTimeOffset CollectedAt { get; init; }
    public TimeSpan Duration { get; init; }

    /// <summary>The monitoring connection was open for the whole cycle.</summary>
    public required bool Connected { get; init; }

    /// <summary>Why the monitoring connection is down; null while connected.</summary>
    public string? ConnectionProblem { get; init; }

    public CheckOutcome<ServerSettings>? Settings { get; init; }
    public CheckOutcome<ServerIdentity>? Identity { get; init; }
    public CheckOutcome<HbaFileRules>? HbaRules { get; init; }
    public CheckOutcome<HbaReloadState>? HbaReload { get; init; }
    public CheckOutcome<ConnectionCounts>? Connections { get; init; }
    public CheckOutcome<RoleGraph>? Roles { get; init; }
    public CheckOutcome<RemoteLogRead>? Log { get; init; }

    /// <summary>The rule engine's answers; null when not connected.</summary>
    public HbaView? Hba { get; init; }

    /// <summary>The result of every check that ran, with its problem.</summary>
    public IEnumerable<(ServerCheck Check, ServerCheckResult Result, string? Problem)> CheckResults
    {
        get
        {
            if (Settings is { } settings) yield return (ServerCheck.Settings, settings.Result, settings.Problem);
            if (Identity is { } identity) yield return (ServerCheck.Identity, identity.Result, identity.Problem);
            if (HbaRules is { } rules) yield return (ServerCheck.HbaRules, rules.Result, rules.Problem);
            if (HbaReload is { } reload) yield return (ServerCheck.HbaReload, reload.Result, reload.Problem);
            if (Connections is { } connections) yield return (ServerCheck.Connections, connections.Result, connections.Problem);
            if (Roles is { } roles) yield return (ServerCheck.Roles, roles.Result, roles.Problem);
            if (Log is { } log) yield return (ServerCheck.LogRemote, log.Result, log.Problem);
        }
    }

    public static ServerView Disconnected(string target, DateTimeOffset at, TimeSpan duration, string? problem) =>
        new() { Target = target, CollectedAt = at, Duration = duration, Connected = false, ConnectionProblem = problem ?? "not connected" };
}

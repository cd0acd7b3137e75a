namespace PgReachExporter.Observations;

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

    /// <summary>The result of every check that ran, with its problem, in the order they run.</summary>
    public IEnumerable<(ServerCheck Check, ServerCheckResult Result, string? Problem)> CheckResults =>
        new (ServerCheck Check, ServerCheckResult? Result, string? Problem)[]
        {
            (ServerCheck.Settings, Settings?.Result, Settings?.Problem),
            (ServerCheck.Identity, Identity?.Result, Identity?.Problem),
            (ServerCheck.HbaRules, HbaRules?.Result, HbaRules?.Problem),
            (ServerCheck.HbaReload, HbaReload?.Result, HbaReload?.Problem),
            (ServerCheck.Connections, Connections?.Result, Connections?.Problem),
            (ServerCheck.Roles, Roles?.Result, Roles?.Problem),
            (ServerCheck.LogRemote, Log?.Result, Log?.Problem),
        }
        .Where(c => c.Result is not null)
        .Select(c => (c.Check, c.Result!.Value, c.Problem));

    public static ServerView Disconnected(string target, DateTimeOffset at, TimeSpan duration, string? problem) =>
        new() { Target = target, CollectedAt = at, Duration = duration, Connected = false, ConnectionProblem = problem ?? "not connected" };
}

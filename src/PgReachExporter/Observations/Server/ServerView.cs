using System.Collections.Immutable;

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

    /// <summary>Every check that ran, in the order it ran (the registry's order).</summary>
    public ImmutableArray<ServerCheckRun> Runs { get; init; } = [];

    public CheckOutcome<ServerSettings>? Settings => Find<ServerSettings>();
    public CheckOutcome<FileSettings>? FileSettings => Find<FileSettings>();
    public CheckOutcome<ServerIdentity>? Identity => Find<ServerIdentity>();
    public CheckOutcome<HbaFileRules>? HbaRules => Find<HbaFileRules>();
    public CheckOutcome<HbaReloadState>? HbaReload => Find<HbaReloadState>();
    public CheckOutcome<ConnectionCounts>? Connections => Find<ConnectionCounts>();
    public CheckOutcome<RoleGraph>? Roles => Find<RoleGraph>();
    public CheckOutcome<RemoteLogRead>? Log => Find<RemoteLogRead>();
    public CheckOutcome<ServerCertificateFile>? CertificateFile => Find<ServerCertificateFile>();

    /// <summary>The rule engine's answers against the rules in force; null when not connected.</summary>
    /// <remarks>While a change is pending these are the rules read when nothing was pending (unknown if none was seen); the shadowed lines are always those on disk.</remarks>
    public HbaView? Hba { get; init; }

    /// <summary>The pg_hba rules the server enforces (kept across cycles while a change is pending); null when unknown.</summary>
    public HbaFileRules? HbaRulesInForce { get; init; }

    /// <summary>The rule engine's answers against the rules a reload would leave in force; null when not connected.</summary>
    public HbaView? HbaAfterReload { get; init; }

    /// <summary>Set while pg_hba.conf on disk differs from the rules in force; null when nothing is pending or that is unknown.</summary>
    public HbaPendingReload? HbaPending { get; init; }

    /// <summary>The result of every check that ran, with its problem, in the order they run.</summary>
    public IEnumerable<(string Check, ServerCheckResult Result, string? Problem)> CheckResults =>
        Runs.Select(r => (r.Check, r.Outcome.Result, r.Outcome.Problem));

    /// <summary>The outcome of the check that reads <typeparamref name="T"/>; null when it did not run.</summary>
    public CheckOutcome<T>? Find<T>()
        where T : class
    {
        foreach (var run in Runs)
        {
            if (run.Outcome is CheckOutcome<T> outcome)
            {
                return outcome;
            }
        }

        return null;
    }

    /// <summary>This view with <paramref name="check"/>'s outcome replaced (or added).</summary>
    public ServerView With(string check, IServerCheckOutcome outcome) => this with
    {
        Runs = Runs.Any(r => r.Check == check)
            ? [.. Runs.Select(r => r.Check == check ? new ServerCheckRun(check, outcome) : r)]
            : [.. Runs, new ServerCheckRun(check, outcome)],
    };

    public static ServerView Disconnected(string target, DateTimeOffset at, TimeSpan duration, string? problem) =>
        new() { Target = target, CollectedAt = at, Duration = duration, Connected = false, ConnectionProblem = problem ?? "not connected" };
}

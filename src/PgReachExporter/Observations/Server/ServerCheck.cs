namespace PgReachExporter.Observations;

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

/// <summary>Label values of <see cref="ServerCheckResult"/>.</summary>
internal static class ServerChecks
{
    public static readonly ServerCheckResult[] Results = Enum.GetValues<ServerCheckResult>();

    public static string Label(this ServerCheckResult result) => result switch
    {
        ServerCheckResult.Ok => "ok",
        ServerCheckResult.PermissionDenied => "permission_denied",
        ServerCheckResult.Unsupported => "unsupported",
        _ => "error",
    };
}

/// <summary>What any check's outcome says about itself, whatever it read.</summary>
internal interface IServerCheckOutcome
{
    ServerCheckResult Result { get; }

    string? Problem { get; }
}

/// <summary>One check's run in one cycle: the check's name (its <c>check</c> label) and its outcome.</summary>
internal sealed record ServerCheckRun(string Check, IServerCheckOutcome Outcome);

namespace PgReachExporter.Observations;

/// <summary>
/// One check's result and what it read. <see cref="Value"/> is set when the result is ok, and may also be set with
/// permission_denied when the check could read part of what it wanted (settings a role may not see).
/// </summary>
internal sealed record CheckOutcome<T>(ServerCheckResult Result, T? Value, string? Problem) : IServerCheckOutcome
    where T : class
{
    public static CheckOutcome<T> Ok(T value) => new(ServerCheckResult.Ok, value, null);

    public static CheckOutcome<T> Failed(ServerCheckResult result, string problem) => new(result, null, problem);

    public bool Succeeded => Result == ServerCheckResult.Ok;
}

using Npgsql;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>Classifies why a check query failed, on SQLSTATE names; message text is never matched.</summary>
internal static class ServerCheckFailure
{
    public static ServerCheckResult Classify(Exception exception) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } => ServerCheckResult.PermissionDenied,
        PostgresException
        {
            SqlState: PostgresErrorCodes.UndefinedFunction or PostgresErrorCodes.UndefinedColumn or PostgresErrorCodes.UndefinedTable
                or PostgresErrorCodes.FeatureNotSupported,
        } => ServerCheckResult.Unsupported,
        _ => ServerCheckResult.Error,
    };

    /// <summary>A one-line reason for logs; server messages name objects, never passwords.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        PostgresException pg => $"{pg.SqlState}: {pg.MessageText}",
        OperationCanceledException or TimeoutException => "no answer before the deadline",
        _ when exception.InnerException is { } inner => $"{exception.Message} ({inner.GetType().Name}: {inner.Message})",
        _ => exception.Message,
    };
}

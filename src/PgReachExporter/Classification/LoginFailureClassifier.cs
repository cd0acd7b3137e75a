using System.Net.Sockets;
using System.Security.Authentication;
using Npgsql;
using PgReachExporter.Observations;

namespace PgReachExporter.Classification;

/// <summary>
/// Classifies a failed login: network failures by socket error code, server errors by SQLSTATE, and only where
/// one SQLSTATE covers several causes, by the server's (English) message text, all in this one place.
/// </summary>
internal static class LoginFailureClassifier
{
    /// <summary>
    /// The classification; <see cref="LoginClassification.NeedsGreetingCheck"/> is set when the failure looks like
    /// a protocol problem that only a raw exchange can tell apart from "something else answers on the port".
    /// </summary>
    public static LoginClassification Classify(Exception exception)
    {
        switch (exception)
        {
            case PostgresException pg:
                return new(FromServerError(pg.SqlState, pg.MessageText));
            case OperationCanceledException or TimeoutException:
                return new(LoginResult.Timeout);
            case SocketException socket:
                return new(LoginResults.FromConnect(SocketErrorClassifier.Classify(socket.SocketErrorCode)));
        }

        // Npgsql wraps network failures; look at what it wraps first, then at its own messages.
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case PostgresException pg:
                    return new(FromServerError(pg.SqlState, pg.MessageText));
                case SocketException socket:
                    return new(LoginResults.FromConnect(SocketErrorClassifier.Classify(socket.SocketErrorCode)));
                case TimeoutException or OperationCanceledException:
                    return new(LoginResult.Timeout);
                case AuthenticationException:
                    return new(LoginResult.Error, NeedsGreetingCheck: true);
                case EndOfStreamException or IOException:
                    return new(LoginResult.Error, NeedsGreetingCheck: true);
            }
        }

        var message = exception.Message;
        if (Contains(message, "No password has been provided"))
        {
            return new(LoginResult.PasswordMissing);
        }

        if (Contains(message, "SSL connection requested") || Contains(message, "does not support SSL"))
        {
            return new(LoginResult.SslUnsupported);
        }

        // "Unknown message code", "Received unexpected backend message", or a stream that ended early.
        return new(LoginResult.Error, NeedsGreetingCheck: exception is NpgsqlException or EndOfStreamException or IOException or InvalidOperationException);
    }

    /// <summary>SQLSTATE first; the message only to split codes PostgreSQL uses for several causes.</summary>
    public static LoginResult FromServerError(string sqlState, string message) => sqlState switch
    {
        PostgresErrorCodes.InvalidPassword => LoginResult.PasswordFailed,
        PostgresErrorCodes.InvalidCatalogName => LoginResult.DatabaseMissing,
        PostgresErrorCodes.TooManyConnections => LoginResult.TooManyConnections,
        PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown => LoginResult.ServerShuttingDown,
        PostgresErrorCodes.CannotConnectNow => FromCannotConnectNow(message),
        PostgresErrorCodes.InvalidAuthorizationSpecification => FromInvalidAuthorization(message),
        _ when SaysSslRequired(message) => LoginResult.SslRequired,
        _ when sqlState.StartsWith("28", StringComparison.Ordinal) => LoginResult.AuthFailed,
        _ => LoginResult.Error,
    };

    // 57P03 is used for start-up, shut-down and recovery alike.
    private static LoginResult FromCannotConnectNow(string message) =>
        Contains(message, "shutting down") ? LoginResult.ServerShuttingDown
        : Contains(message, "starting up") ? LoginResult.ServerStarting
        : LoginResult.Recovery;

    // 28000 covers a missing pg_hba.conf line, an explicit reject line, a missing role and failed peer/ident/cert methods.
    // A server whose only matching lines are hostssl also says "no pg_hba.conf entry": only the rules tell that apart.
    private static LoginResult FromInvalidAuthorization(string message) =>
        Contains(message, "no pg_hba.conf entry") ? LoginResult.NoHbaEntry
        : Contains(message, "pg_hba.conf rejects") ? LoginResult.HbaReject
        : Contains(message, "role") && Contains(message, "does not exist") ? LoginResult.RoleMissing
        : SaysSslRequired(message) ? LoginResult.SslRequired
        : LoginResult.AuthFailed;

    // Poolers and proxies in front of PostgreSQL (PgBouncer, cloud proxies) say so explicitly.
    private static bool SaysSslRequired(string message) =>
        (Contains(message, "SSL") || Contains(message, "encryption")) && Contains(message, "required");

    private static bool Contains(string text, string fragment) => text.Contains(fragment, StringComparison.OrdinalIgnoreCase);
}

/// <summary>A login failure's result, and whether a raw greeting must decide whether PostgreSQL answers at all.</summary>
internal readonly record struct LoginClassification(LoginResult Result, bool NeedsGreetingCheck = false);

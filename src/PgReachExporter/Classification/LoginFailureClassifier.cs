using PgReachExporter.Observations;

namespace PgReachExporter.Classification;

/// <summary>
/// Classifies a failed login: network failures by socket error code, server errors by SQLSTATE, and only where
/// one SQLSTATE covers several causes, by the server's (English) message text, all in this one place.
/// </summary>
internal static class LoginFailureClassifier
{
    /// <summary>
    /// The classification of a failure the probe read from the driver (<see cref="LoginFailure"/>);
    /// <see cref="LoginClassification.NeedsGreetingCheck"/> is set when it looks like a protocol problem that only a raw
    /// exchange can tell apart from "something else answers on the port".
    /// </summary>
    public static LoginClassification Classify(LoginFailure failure) => failure.Kind switch
    {
        LoginFailureKind.ServerError => new(FromServerError(failure.SqlState ?? "", failure.Message ?? "")),
        LoginFailureKind.Timeout => new(LoginResult.Timeout),
        LoginFailureKind.Socket => new(LoginResults.FromConnect(SocketErrorClassifier.Classify(failure.SocketError ?? System.Net.Sockets.SocketError.SocketError))),
        // A handshake that fails on a port where PostgreSQL answers is the TLS layer; the greeting tells another protocol apart.
        // The alert's words tell a version mismatch and a refused client certificate apart, as for the TLS probe.
        LoginFailureKind.Tls => new(TlsFailureText.LoginResultOf(failure.Message ?? ""), NeedsGreetingCheck: true),
        LoginFailureKind.Stream => new(LoginResult.Error, NeedsGreetingCheck: true),
        _ => FromDriverMessage(failure.Message ?? "", failure.Kind == LoginFailureKind.DriverProtocol),
    };

    // The driver's own words, where it raises no server error: only these few are known to mean one thing.
    private static LoginClassification FromDriverMessage(string message, bool protocol)
    {
        if (Contains(message, "No password has been provided"))
        {
            return new(LoginResult.PasswordMissing);
        }

        if (Contains(message, "SSL connection requested") || Contains(message, "does not support SSL"))
        {
            return new(LoginResult.SslUnsupported);
        }

        // "Unknown message code", "Received unexpected backend message", or a stream that ended early.
        return new(LoginResult.Error, NeedsGreetingCheck: protocol);
    }

    /// <summary>SQLSTATE first; the message only to split codes PostgreSQL uses for several causes.</summary>
    public static LoginResult FromServerError(string sqlState, string message) => sqlState switch
    {
        SqlStates.InvalidPassword => LoginResult.PasswordFailed,
        SqlStates.InvalidCatalogName => LoginResult.DatabaseMissing,
        SqlStates.TooManyConnections => LoginResult.TooManyConnections,
        SqlStates.AdminShutdown or SqlStates.CrashShutdown => LoginResult.ServerShuttingDown,
        SqlStates.CannotConnectNow => FromCannotConnectNow(message),
        SqlStates.InvalidAuthorizationSpecification => FromInvalidAuthorization(message),
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
        // clientcert=verify-ca|verify-full on the matching line, or the cert method: "connection requires a valid client
        // certificate", "certificate authentication failed for user", "certificate validation (clientcert=verify-full) failed".
        : Contains(message, "certificate") ? LoginResult.ClientCertificateRejected
        : LoginResult.AuthFailed;

    // Poolers and proxies in front of PostgreSQL (PgBouncer, cloud proxies) say so explicitly.
    private static bool SaysSslRequired(string message) =>
        (Contains(message, "SSL") || Contains(message, "encryption")) && Contains(message, "required");

    private static bool Contains(string text, string fragment) => text.Contains(fragment, StringComparison.OrdinalIgnoreCase);
}

/// <summary>What kind of failure the driver reported, read off its exception by the probe.</summary>
internal enum LoginFailureKind
{
    /// <summary>The server sent an ErrorResponse (SQLSTATE and message).</summary>
    ServerError,

    /// <summary>The deadline passed.</summary>
    Timeout,

    /// <summary>The socket failed (refused, unreachable, ...).</summary>
    Socket,

    /// <summary>The TLS handshake failed.</summary>
    Tls,

    /// <summary>The stream ended or broke mid-exchange.</summary>
    Stream,

    /// <summary>The driver could not follow the protocol (unknown message, unexpected backend message).</summary>
    DriverProtocol,

    /// <summary>Anything else the driver said.</summary>
    Other,
}

/// <summary>A failed login as data: its kind and whatever the driver knew (SQLSTATE, message, socket error).</summary>
internal readonly record struct LoginFailure(LoginFailureKind Kind, string? SqlState = null, string? Message = null, System.Net.Sockets.SocketError? SocketError = null);

/// <summary>A login failure's result, and whether a raw greeting must decide whether PostgreSQL answers at all.</summary>
internal readonly record struct LoginClassification(LoginResult Result, bool NeedsGreetingCheck = false);

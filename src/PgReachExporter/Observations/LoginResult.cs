namespace PgReachExporter.Observations;

/// <summary>What a login attempt (TCP, startup, authentication) ended in.</summary>
public enum LoginResult
{
    Ok,
    NoHbaEntry,
    HbaReject,
    PasswordFailed,
    PasswordMissing,
    AuthFailed,
    RoleMissing,
    DatabaseMissing,
    TooManyConnections,
    ServerStarting,
    ServerShuttingDown,
    Recovery,
    SslRequired,
    SslUnsupported,
    TlsFailed,
    TlsProtocolMismatch,
    ClientCertificateRejected,
    NotPostgres,
    Timeout,
    Refused,
    Unreachable,
    DnsError,
    Error,
}

/// <summary>Label values and layers of <see cref="LoginResult"/>.</summary>
internal static class LoginResults
{
    public static readonly LoginResult[] All = Enum.GetValues<LoginResult>();

    public static string Label(this LoginResult result) => result switch
    {
        LoginResult.Ok => "ok",
        LoginResult.NoHbaEntry => "no_hba_entry",
        LoginResult.HbaReject => "hba_reject",
        LoginResult.PasswordFailed => "password_failed",
        LoginResult.PasswordMissing => "password_missing",
        LoginResult.AuthFailed => "auth_failed",
        LoginResult.RoleMissing => "role_missing",
        LoginResult.DatabaseMissing => "database_missing",
        LoginResult.TooManyConnections => "too_many_connections",
        LoginResult.ServerStarting => "server_starting",
        LoginResult.ServerShuttingDown => "server_shutting_down",
        LoginResult.Recovery => "recovery",
        LoginResult.SslRequired => "ssl_required",
        LoginResult.SslUnsupported => "ssl_unsupported",
        LoginResult.TlsFailed => "tls_failed",
        LoginResult.TlsProtocolMismatch => "tls_protocol_mismatch",
        LoginResult.ClientCertificateRejected => "client_certificate_rejected",
        LoginResult.NotPostgres => "not_postgres",
        LoginResult.Timeout => "timeout",
        LoginResult.Refused => "refused",
        LoginResult.Unreachable => "unreachable",
        LoginResult.DnsError => "dns_error",
        _ => "error",
    };

    /// <summary>The login result a failed connect stands for.</summary>
    public static LoginResult FromConnect(TcpConnectResult result) => result switch
    {
        TcpConnectResult.Refused => LoginResult.Refused,
        TcpConnectResult.Timeout => LoginResult.Timeout,
        TcpConnectResult.Unreachable => LoginResult.Unreachable,
        TcpConnectResult.DnsError => LoginResult.DnsError,
        _ => LoginResult.Error,
    };
}

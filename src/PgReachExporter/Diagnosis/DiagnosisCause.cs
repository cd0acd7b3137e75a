using PgReachExporter.Observations;

namespace PgReachExporter.Diagnosis;

/// <summary>
/// Every cause the engine can name; a closed set. Within a layer, more specific explanations are declared
/// before generic ones, which is the order findings of the same layer and severity are listed in.
/// Labels, layers, titles and next steps live in <see cref="CauseCatalog"/>.
/// </summary>
internal enum DiagnosisCause
{
    ListenLocalhostOnly,
    ListenAddressExcluded,
    WrongPort,
    Ipv6NotListening,
    BindFailure,
    NotPostgres,
    ListenerDown,

    DnsFailure,
    FirewallDrop,
    FirewallReject,
    NetworkUnreachable,

    HbaRuleShadowed,
    HbaNoEntry,
    HbaReject,
    PasswordMissing,
    PasswordFailed,
    RoleMissing,
    DatabaseMissing,
    SslMismatch,
    AuthFailed,

    TooManyConnections,
    ConnectionSaturation,

    WrongInstance,
    ServerStarting,
    ServerShuttingDown,
    Recovery,
    ServerUnresponsive,
    LoginError,

    HbaSyntaxErrors,
    HbaReloadPending,
    ListenAddressesPendingRestart,

    Ok,
}

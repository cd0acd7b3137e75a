namespace PgReachExporter.HostSignals;

/// <summary>
/// The English (lc_messages = C/en) message texts the classifier keys on, as PostgreSQL 15 to 18 write
/// them. Kept in one place because text matching is the fallback where no SQLSTATE tells the event.
/// </summary>
internal static class PostgresLogMessages
{
    // libpq/pqcomm.c ListenServerPort: 'listening on %s address "%s", port %d' (%s is IPv4 or IPv6).
    public const string ListeningPrefix = "listening on ";

    // libpq/pqcomm.c: 'could not bind %s address "%s": %m', 'could not create %s socket for address "%s": %m',
    // 'could not listen on %s address "%s": %m'.
    public const string CouldNotBindPrefix = "could not bind ";
    public const string CouldNotCreateSocketPrefix = "could not create ";
    public const string CouldNotListenPrefix = "could not listen on ";

    // postmaster.c: the postmaster gives up (FATAL) when no socket of a kind could be opened.
    public const string NoTcpSockets = "could not create any TCP/IP sockets";
    public const string NoUnixSockets = "could not create any Unix-domain sockets";
    public const string NoListenSockets = "no socket created for listening";

    // libpq/auth.c ClientAuthentication: 'no pg_hba.conf entry for host "%s", user "%s", database "%s", %s'
    // and 'no pg_hba.conf entry for replication connection from host ...'.
    public const string NoHbaEntryPrefix = "no pg_hba.conf entry for ";

    // libpq/auth.c: 'pg_hba.conf rejects connection for host ...', '... rejects replication connection ...'.
    public const string HbaRejectPrefix = "pg_hba.conf rejects ";

    // libpq/auth.c auth_failed: 'password authentication failed for user "%s"' (password, md5, scram).
    public const string PasswordFailedPrefix = "password authentication failed for user ";

    // utils/init/postinit.c and storage/lmgr/proc.c, all SQLSTATE 53300.
    public const string TooManyClients = "sorry, too many clients already";
    public const string ReservedSlotsPrefix = "remaining connection slots are reserved for ";
    public const string TooManyForRolePrefix = "too many connections for role ";
    public const string TooManyForDatabasePrefix = "too many connections for database ";

    // postmaster.c on SIGHUP: PostgreSQL 15 writes 'pg_hba.conf was not reloaded', 16+ the full path of
    // hba_file (or ident_file): '%s was not reloaded'.
    public const string NotReloadedSuffix = " was not reloaded";

    // utils/misc/guc-file.l: 'configuration file "%s" contains errors' with '; unaffected changes were
    // applied' or '; no changes were applied' after a reload.
    public const string ConfigFileErrorsPrefix = "configuration file \"";
    public const string ConfigFileErrorsMarker = "\" contains errors";

    // Postmaster life cycle, used to know which "listening" lines belong to the latest start.
    public const string StartingPrefix = "starting PostgreSQL ";
    public const string ReadyPrefix = "database system is ready to accept ";
    public const string ShutDown = "database system is shut down";

    // strerror texts for bind(): glibc, musl, Windows.
    public const string AddressInUse = "Address already in use";
    public const string CannotAssignAddress = "Cannot assign requested address";
    public const string AddressNotAvailable = "Address not available";
    public const string WindowsAddressInUse = "Only one usage of each socket address";
}

/// <summary>SQLSTATE codes the classifier uses (PostgreSQL errcodes.txt).</summary>
internal static class PostgresSqlStates
{
    public const string InvalidAuthorizationSpecification = "28000";
    public const string InvalidPassword = "28P01";
    public const string TooManyConnections = "53300";
    public const string ConfigFileError = "F0000";
    public const string InternalError = "XX000";
}

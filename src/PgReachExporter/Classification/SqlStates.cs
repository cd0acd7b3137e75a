namespace PgReachExporter.Classification;

/// <summary>The SQLSTATEs the classifiers key on, named once (PostgreSQL's errcodes.txt).</summary>
internal static class SqlStates
{
    public const string InvalidAuthorizationSpecification = "28000";
    public const string InvalidPassword = "28P01";
    public const string InvalidCatalogName = "3D000";
    public const string TooManyConnections = "53300";
    public const string AdminShutdown = "57P01";
    public const string CrashShutdown = "57P02";
    public const string CannotConnectNow = "57P03";
}

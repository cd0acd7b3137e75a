namespace PgReachExporter.Observations;

/// <summary>When pg_hba.conf was last written (whole seconds) and when the server last loaded its configuration.</summary>
internal sealed record HbaReloadState(DateTimeOffset FileModified, DateTimeOffset ConfigLoaded)
{
    public bool ReloadPending => FileModified > ConfigLoaded;
}

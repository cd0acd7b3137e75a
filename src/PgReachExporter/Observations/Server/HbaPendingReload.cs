namespace PgReachExporter.Observations;

/// <summary>
/// pg_hba.conf on disk differs from the rules the server enforces: a reload is pending (the file is newer than the last
/// configuration load), or the file cannot be loaded at all (then the server cannot have loaded it either).
/// </summary>
/// <param name="ReloadPending">The file is newer than the last configuration load: an edit not reloaded yet (false: a reload was tried and failed).</param>
/// <param name="WouldFail">A line cannot be parsed: a reload would keep the rules in force and log "pg_hba.conf was not reloaded".</param>
/// <param name="InForceReadAt">When the rules in force were read (the last cycle in which nothing was pending); null when unknown.</param>
internal sealed record HbaPendingReload(bool ReloadPending, bool WouldFail, DateTimeOffset? InForceReadAt)
{
    /// <summary>False when the change was already pending when the agent first read the file: what the server enforces is then unknown.</summary>
    public bool InForceKnown => InForceReadAt is not null;
}

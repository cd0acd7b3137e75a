using PgReachExporter.Observations;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>
/// The pg_hba rules a target's server enforces, kept across cycles: pg_hba_file_rules reads the file on disk, which is
/// in force only while nothing is pending and the file loads. While a change is pending the last such read stands;
/// when the agent first looks while a change is already pending, the rules in force are unknown until a reload.
/// </summary>
internal sealed class HbaRulesInForce
{
    private HbaFileRules? _rules;
    private DateTimeOffset _readAt;

    /// <summary>Takes one cycle's reads and says which rules are in force and which a reload would load.</summary>
    /// <param name="disk">pg_hba_file_rules; null when it could not be read.</param>
    /// <param name="reload">The reload state; null when it could not be read (the file on disk is then taken as in force, as before).</param>
    public HbaRuleSides Observe(HbaFileRules? disk, HbaReloadState? reload, DateTimeOffset at)
    {
        if (disk is null)
        {
            return new(null, null, null);
        }

        if (reload is null)
        {
            return new(disk, disk, null);
        }

        if (!reload.ReloadPending && disk.Loadable)
        {
            _rules = disk;
            _readAt = at;
            return new(disk, disk, null);
        }

        // A file that cannot be parsed is never loaded: a reload keeps what is in force.
        var inForce = _rules;
        var pending = new HbaPendingReload(reload.ReloadPending, !disk.Loadable, inForce is null ? null : _readAt);
        return new(inForce, disk.Loadable ? disk : inForce, pending);
    }
}

/// <summary>The two sides of pg_hba.conf for one cycle.</summary>
/// <param name="InForce">The rules the server enforces; null when unknown.</param>
/// <param name="AfterReload">The rules a reload would leave in force; null when unknown.</param>
/// <param name="Pending">Set when the file on disk differs from the rules in force; null when nothing is pending or it is not known.</param>
internal sealed record HbaRuleSides(HbaFileRules? InForce, HbaFileRules? AfterReload, HbaPendingReload? Pending);

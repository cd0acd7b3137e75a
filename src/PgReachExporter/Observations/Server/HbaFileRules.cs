using System.Collections.Immutable;
using Npgsql;
using PgReachExporter.Hba;

namespace PgReachExporter.Observations;

/// <summary>The rows of pg_hba_file_rules, in the server's order.</summary>
internal sealed record HbaFileRules(ImmutableArray<HbaRule> Rows)
{
    /// <summary>Rows without an error: the lines the server can use.</summary>
    public int UsableCount => Rows.Count(r => r.Error is null);

    public ImmutableArray<HbaRule> ErrorRows => [.. Rows.Where(r => r.Error is not null)];

    /// <summary>
    /// False when a line cannot be parsed at all (its row has an error and no type): the server then refuses the whole
    /// file on reload, keeps the rules it had, and would not start with it. A row with a type and an error (hostssl with
    /// SSL off) loads but can never match, so it leaves the file loadable.
    /// </summary>
    public bool Loadable => !Rows.Any(r => r.Error is not null && r.Type is null);
}

namespace PgReachExporter.Hba;

/// <summary>The rows of one pg_hba_file_rules read, split into rules and error rows and parsed once.</summary>
/// <remarks>
/// Rows must come in the view's order (file order, includes expanded), which is the order the server tries them.
/// A row with an error is never matched. An error row that still has a connection type is a line the server loads
/// but that can never match (hostssl with SSL off, hostgssenc without GSSAPI). An error row without one is a line
/// the server cannot parse: it then refuses the whole file on reload and keeps its previous rules, so evaluations
/// describe the file on disk rather than the rules in force (<see cref="FileRejectedByServer"/>).
/// </remarks>
internal sealed class HbaRuleSet
{
    private HbaRuleSet(IReadOnlyList<HbaRule> rows, IReadOnlyList<HbaRule> errorRows, HbaCompiledRule[] rules, HbaNameIds names)
    {
        Names = names;
        DatabaseLookup = HbaDatabaseLookup.Build(rules);
        Rows = rows;
        ErrorRows = errorRows;
        Rules = rules;
        FileRejectedByServer = errorRows.Any(r => r.Type is null);
    }

    /// <summary>Every row, in order.</summary>
    public IReadOnlyList<HbaRule> Rows { get; }

    /// <summary>Rows whose error column is set; none of them ever matches.</summary>
    public IReadOnlyList<HbaRule> ErrorRows { get; }

    /// <summary>True when some line cannot be parsed, so the server refuses this file and keeps its older rules.</summary>
    public bool FileRejectedByServer { get; }

    /// <summary>Error-free rows in matching order.</summary>
    internal HbaCompiledRule[] Rules { get; }

    /// <summary>The lines each client database can reach, in order.</summary>
    internal HbaDatabaseLookup DatabaseLookup { get; }

    /// <summary>Ids of the names the rules mention, so a client's database and user compare as integers.</summary>
    internal HbaNameIds Names { get; }

    public static HbaRuleSet Compile(IEnumerable<HbaRule> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var all = rows.ToArray();
        var errors = new List<HbaRule>();
        var rules = new List<HbaCompiledRule>(all.Length);
        var names = new HbaNameTable();
        foreach (var row in all)
        {
            if (row.Error is not null)
                errors.Add(row);
            else
                rules.Add(HbaCompiledRule.Compile(row, rules.Count, names));
        }

        return new HbaRuleSet(all, errors, rules.ToArray(), names.Freeze());
    }
}

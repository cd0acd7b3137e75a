using System.Collections.Immutable;
using Npgsql;
using PgReachExporter.Hba;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>
/// The rows of pg_hba_file_rules: pg_hba.conf as it is on disk now (not necessarily the rules in force), in the
/// order the server tries them. Needs SELECT on the view and EXECUTE on pg_hba_file_rules() (docs/monitoring-role.md).
/// </summary>
internal static class HbaRulesCheck
{
    /// <summary>The check's name: its <c>check</c> label.</summary>
    public const string Name = "hba_rules";

    /// <summary>PostgreSQL 15: no rule_number or file_name (no include directives).</summary>
    public const string Sql15 = """
        SELECT NULL::int, NULL::text, line_number, type, database, user_name, address, netmask, auth_method, options, error
        FROM pg_catalog.pg_hba_file_rules
        """;

    /// <summary>PostgreSQL 16 and later: rule_number and file_name (rows of included files carry their own file).</summary>
    public const string Sql16 = """
        SELECT rule_number, file_name, line_number, type, database, user_name, address, netmask, auth_method, options, error
        FROM pg_catalog.pg_hba_file_rules
        """;

    public static string SqlFor(int major) => major >= 16 ? Sql16 : Sql15;

    public static async Task<CheckOutcome<HbaFileRules>> RunAsync(MonitoringSession session, CancellationToken stopping)
    {
        var rows = await session.QueryAsync(SqlFor(session.ServerMajor), Read, stopping).ConfigureAwait(false);
        return rows.Succeeded ? CheckOutcome<HbaFileRules>.Ok(new HbaFileRules(rows.Rows)) : rows.Failure<HbaFileRules>();
    }

    private static HbaRule Read(NpgsqlDataReader row) => new()
    {
        RuleNumber = row.IsDBNull(0) ? null : row.GetInt32(0),
        FileName = row.IsDBNull(1) ? null : row.GetString(1),
        LineNumber = row.GetInt32(2),
        Type = row.IsDBNull(3) ? null : row.GetString(3),
        Databases = row.IsDBNull(4) ? [] : row.GetFieldValue<string[]>(4),
        Users = row.IsDBNull(5) ? [] : row.GetFieldValue<string[]>(5),
        Address = row.IsDBNull(6) ? null : row.GetString(6),
        Netmask = row.IsDBNull(7) ? null : row.GetString(7),
        AuthMethod = row.IsDBNull(8) ? null : row.GetString(8),
        Options = row.IsDBNull(9) ? null : row.GetFieldValue<string[]>(9),
        Error = row.IsDBNull(10) ? null : row.GetString(10),
    };
}

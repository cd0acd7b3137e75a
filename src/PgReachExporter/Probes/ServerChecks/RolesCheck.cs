using System.Collections.Immutable;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>Every role and its direct memberships, so +role and samerole lines in pg_hba.conf can be resolved.</summary>
internal static class RolesCheck
{
    /// <summary>The check's name: its <c>check</c> label.</summary>
    public const string Name = "roles";

    public const string Sql = """
        SELECT r.rolname, g.rolname
        FROM pg_catalog.pg_roles r
        LEFT JOIN pg_catalog.pg_auth_members m ON m.member = r.oid
        LEFT JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
        """;

    public static async Task<CheckOutcome<RoleGraph>> RunAsync(MonitoringSession session, CancellationToken stopping)
    {
        var rows = await session.QueryAsync(Sql, r => (Role: r.GetString(0), MemberOf: r.IsDBNull(1) ? null : r.GetString(1)), stopping)
            .ConfigureAwait(false);
        if (!rows.Succeeded)
        {
            return rows.Failure<RoleGraph>();
        }

        return CheckOutcome<RoleGraph>.Ok(new RoleGraph(
            [.. rows.Rows.Select(r => r.Role).Distinct(StringComparer.Ordinal)],
            [.. rows.Rows.Where(r => r.MemberOf is not null).Select(r => (r.Role, r.MemberOf!))]));
    }
}

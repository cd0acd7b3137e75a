using System.Text.RegularExpressions;
using PgReachExporter.IntegrationTests.Infrastructure;

namespace PgReachExporter.IntegrationTests.Server;

/// <summary>
/// The monitoring roles the server tests use. The least-privileged one is created by running the SQL block of
/// docs/monitoring-role.md as written, so the document cannot drift from what works.
/// </summary>
internal static partial class MonitoringRoles
{
    public const string LeastPrivileged = "pgreach_monitor";
    public const string MonitorOnly = "pgreach_monitor_only";
    public const string Password = "monitor-secret";

    private const string DocumentedPassword = "'change-me'";

    /// <summary>The SQL block that follows the "monitoring-role.sql" marker in docs/monitoring-role.md.</summary>
    public static string DocumentedSql()
    {
        var root = PostgresBinaries.FindRepositoryRoot() ?? throw new InvalidOperationException("repository root not found");
        var text = File.ReadAllText(Path.Combine(root, "docs", "monitoring-role.md"));
        var match = DocumentedBlock().Match(text);
        Assert.True(match.Success, "docs/monitoring-role.md has no ```sql block after the monitoring-role.sql marker");
        var sql = match.Groups["sql"].Value;
        Assert.Contains(DocumentedPassword, sql, StringComparison.Ordinal);
        return sql;
    }

    /// <summary>Creates <see cref="LeastPrivileged"/> exactly as documented (with <see cref="Password"/>).</summary>
    public static Task CreateLeastPrivilegedAsync(PostgresCluster cluster) =>
        cluster.ExecuteAsync(DocumentedSql().Replace(DocumentedPassword, SqlText.Literal(Password), StringComparison.Ordinal));

    /// <summary>Creates <see cref="MonitorOnly"/>: pg_monitor, none of the documented grants.</summary>
    public static async Task CreateMonitorOnlyAsync(PostgresCluster cluster)
    {
        await cluster.CreateRoleAsync(MonitorOnly, Password);
        await cluster.ExecuteAsync($"GRANT pg_monitor TO {MonitorOnly}");
    }

    [GeneratedRegex(@"<!-- monitoring-role\.sql[^>]*-->\s*```sql\n(?<sql>.*?)```", RegexOptions.Singleline)]
    private static partial Regex DocumentedBlock();
}

using PgReachExporter.IntegrationTests.Infrastructure;

namespace PgReachExporter.IntegrationTests.Server;

/// <summary>Edits of pg_hba.conf the server sees as pending, as a real edit after the last reload is.</summary>
internal static class HbaEdits
{
    /// <summary>
    /// Writes pg_hba.conf in a later second than the last configuration load (pg_stat_file reports whole seconds) and
    /// checks that the server itself now reports the file newer than its load.
    /// </summary>
    public static async Task WritePendingAsync(PostgresCluster cluster, IEnumerable<string> lines)
    {
        await WaitUntilAfterSecondOfAsync(await cluster.ScalarAsync<DateTime>("SELECT pg_conf_load_time()"));
        await cluster.WriteHbaAsync(lines);
        Assert.True(
            await cluster.ScalarAsync<bool>("SELECT (pg_stat_file(current_setting('hba_file'))).modification > pg_conf_load_time()"),
            "the edit carries a later second than the last load, as the server itself reports it");
    }

    /// <summary>Waits (bounded) until the wall clock is in a later second than <paramref name="instant"/>.</summary>
    public static async Task WaitUntilAfterSecondOfAsync(DateTime instant)
    {
        // File times come from the kernel's coarse clock, which trails the precise one by up to a scheduler tick
        // (seen here: a write just after the second began carried the previous second, 2.6 ms earlier), hence the margin.
        var next = new DateTime(instant.Ticks - (instant.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc).AddSeconds(1).AddMilliseconds(100);
        var bound = DateTime.UtcNow.AddSeconds(3);
        while (DateTime.UtcNow < next && DateTime.UtcNow < bound)
        {
            await Task.Delay(20);
        }
    }
}

using Npgsql;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Infrastructure;

namespace PgReachExporter.IntegrationTests.HostSignals;

/// <summary>Targets with the host's view configured, real client traffic that the server logs, and bounded waits on the counts.</summary>
internal static class HostSignalTargets
{
    public const string AppPassword = "app-Host-Signals-7";

    /// <summary>
    /// pg_hba.conf for log events: "rejected_r7" meets a reject line, "app" needs its password, and any other user (such
    /// as "stranger") has no line at all.
    /// </summary>
    public static readonly IReadOnlyList<string> RejectingHba =
    [
        "host all rejected_r7 127.0.0.1/32 reject",
        "host all app 127.0.0.1/32 scram-sha-256",
    ];

    /// <summary>
    /// A target reading <paramref name="logPath"/>; probed at 127.0.0.2 by default, where nothing listens, so the
    /// agent's own probes never put lines into the server log that the tests count.
    /// </summary>
    public static Dictionary<string, object?> LogTarget(string name, PostgresCluster cluster, string logPath, string host = "127.0.0.2")
    {
        var target = RunningAgent.Target(name, host, cluster.Port, password: AppPassword, interval: "1s", timeout: "500ms");
        target["LogPath"] = logPath;
        return target;
    }

    /// <summary>Logs in over TCP at 127.0.0.1 and returns the SQLSTATE the server refused with (null when it let us in).</summary>
    public static async Task<string?> LoginAsync(PostgresCluster cluster, string user, string? password)
    {
        var builder = Tcp(cluster, user, password);
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
            return null;
        }
        catch (PostgresException ex)
        {
            return ex.SqlState;
        }
    }

    /// <summary>
    /// A TCP connection string to 127.0.0.1 that makes one attempt: with encryption negotiable Npgsql tries a failed
    /// login a second time, which the server logs as a second failure.
    /// </summary>
    public static NpgsqlConnectionStringBuilder Tcp(PostgresCluster cluster, string user, string? password) =>
        new(cluster.ConnectionString(user, password)) { Host = "127.0.0.1", SslMode = SslMode.Disable, GssEncryptionMode = GssEncryptionMode.Disable };

    /// <summary>Fails one login with a wrong password; the server logs exactly one password_failed line.</summary>
    public static async Task FailPasswordAsync(PostgresCluster cluster)
    {
        Assert.Equal(PostgresErrorCodes.InvalidPassword, await LoginAsync(cluster, "app", "not-the-password"));
    }

    public static double Count(Scrape scrape, string target, string logEvent) =>
        scrape.Value("pgreach_log_events_total", $"target={target}", $"event={logEvent}") ?? -1;

    /// <summary>
    /// Makes failed logins until the agent counts one, so its reader is known to be past the end it started at; returns
    /// the password_failed count at that point. Bounded in attempts and time.
    /// </summary>
    public static Task<double> WaitUntilReadingAsync(RunningAgent agent, string target, PostgresCluster cluster) =>
        WaitUntilReadingAsync(agent.Http, target, cluster);

    /// <inheritdoc cref="WaitUntilReadingAsync(RunningAgent, string, PostgresCluster)"/>
    public static async Task<double> WaitUntilReadingAsync(HttpClient agent, string target, PostgresCluster cluster)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            await FailPasswordAsync(cluster);
            try
            {
                var scrape = await MetricsPoller.WaitForAsync(agent, s => Count(s, target, "password_failed") >= 1, TimeSpan.FromSeconds(1));
                return Count(scrape, target, "password_failed");
            }
            catch (TimeoutException)
            {
                // The reader had not opened the file yet when that line was written; try again.
            }
        }

        throw new TimeoutException($"The agent did not count a failed login of {target} within 30 attempts.");
    }

    /// <summary>Waits until each event has exactly the given count.</summary>
    public static Task<Scrape> WaitForCountsAsync(RunningAgent agent, string target, IReadOnlyDictionary<string, double> expected, TimeSpan? bound = null) =>
        WaitForCountsAsync(agent.Http, target, expected, bound);

    /// <inheritdoc cref="WaitForCountsAsync(RunningAgent, string, IReadOnlyDictionary{string, double}, TimeSpan?)"/>
    public static Task<Scrape> WaitForCountsAsync(HttpClient agent, string target, IReadOnlyDictionary<string, double> expected, TimeSpan? bound = null) =>
        MetricsPoller.WaitForAsync(agent, s => expected.All(e => Count(s, target, e.Key) == e.Value), bound ?? TimeSpan.FromSeconds(20),
            string.Join(", ", expected.Select(e => $"{e.Key} = {e.Value}")));
}

/// <summary>Reads GET /api/targets of a running agent.</summary>
internal static class TargetsApi
{
    /// <summary>Polls /api/targets until the target's findings include <paramref name="cause"/>; returns that target's document.</summary>
    public static async Task<System.Text.Json.JsonElement> WaitForCauseAsync(RunningAgent agent, string target, string cause, TimeSpan? bound = null)
    {
        var deadline = DateTime.UtcNow + (bound ?? TimeSpan.FromSeconds(20));
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = await agent.Http.GetStringAsync("/api/targets");
            using var document = System.Text.Json.JsonDocument.Parse(last);
            foreach (var entry in document.RootElement.GetProperty("targets").EnumerateArray())
            {
                if (entry.GetProperty("name").GetString() == target && Causes(entry).Contains(cause))
                {
                    return entry.Clone();
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"/api/targets did not show {cause} for {target} in time; last answer:\n{last}");
    }

    public static List<string?> Causes(System.Text.Json.JsonElement target) =>
        [.. target.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("cause").GetString())];

    public static List<string?> Sources(System.Text.Json.JsonElement target) =>
        [.. target.GetProperty("sources").EnumerateArray().Select(s => s.GetString())];

    public static List<string?> Evidence(System.Text.Json.JsonElement target, string cause) =>
        [.. target.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("cause").GetString() == cause)
            .SelectMany(f => f.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()))];
}

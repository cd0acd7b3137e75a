using System.Net;
using PgReachExporter.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using static PgReachExporter.IntegrationTests.Agent.RunningAgent;

namespace PgReachExporter.IntegrationTests.EndToEnd;

/// <summary>
/// The whole chain with the real programs: PostgreSQL, the agent, Prometheus with the deployed alert rules (their
/// durations divided by <see cref="MonitoringStack.TimeDivisor"/>) and Alertmanager with the deployed routing.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class AlertDeliveryTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const string Password = "app-Secret-42";
    private const string Target = "orders";
    private const string TimeoutRateHigh = "PgReachTcpTimeoutRateHigh";
    private const string ListenerDown = "PgReachListenerDown";

    // Expected with a divisor of 20: about 20 s to fire (for: 15 s) and 15 s to resolve (the 15 s rate window).
    private static readonly TimeSpan AlertBound = TimeSpan.FromSeconds(75);
    private static readonly TimeSpan WarmUpBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Black_holed_target_raises_the_timeout_rate_alert_in_alertmanager_and_it_resolves_once_restored()
    {
        await using var cluster = await fixture.NewClusterAsync();
        await cluster.CreateRoleAsync("app", Password);
        await using var stack = await MonitoringStack.StartAsync(AgentConfig(cluster.Port));
        await stack.WaitForSeriesAsync($"pgreach_up{{target=\"{Target}\",vantage=\"{MonitoringStack.Vantage}\"}} == 1", WarmUpBound);
        Assert.Null(await stack.FindAlertAsync(TimeoutRateHigh, Target));

        await cluster.StopAsync();
        var (alert, fired) = await BlackHoleOnTheSamePortAsync(cluster.Port, async () =>
        {
            var result = await stack.WaitForAlertAsync(TimeoutRateHigh, Target, AlertBound);
            Assert.Null(await stack.FindAlertAsync(ListenerDown, Target)); // dropped SYNs are not a stopped listener
            return result;
        });
        await cluster.StartServerAsync();
        var resolved = await stack.WaitForResolvedAsync(TimeoutRateHigh, Target, AlertBound);

        output.WriteLine($"{TimeoutRateHigh}: in Alertmanager {fired.TotalSeconds:F1} s after the black hole, gone {resolved.TotalSeconds:F1} s after the restore");
        Assert.Equal("active", alert["status"]?["state"]?.ToString());
        Assert.Equal("page", alert["labels"]?["severity"]?.ToString());
        Assert.Equal("network", alert["labels"]?["layer"]?.ToString());
        Assert.Equal("timeout", alert["labels"]?["cause"]?.ToString());
        Assert.Equal(MonitoringStack.Vantage, alert["labels"]?["vantage"]?.ToString());
        Assert.Contains("pgreach-pager", alert["receivers"]?.AsArray().Select(receiver => receiver?["name"]?.ToString()) ?? []);
    }

    [Fact]
    public async Task Stopped_listener_raises_listener_down_in_alertmanager_and_it_resolves_once_restarted()
    {
        await using var cluster = await fixture.NewClusterAsync();
        await cluster.CreateRoleAsync("app", Password);
        await using var stack = await MonitoringStack.StartAsync(AgentConfig(cluster.Port));
        await stack.WaitForSeriesAsync($"pgreach_up{{target=\"{Target}\",vantage=\"{MonitoringStack.Vantage}\"}} == 1", WarmUpBound);
        Assert.Null(await stack.FindAlertAsync(ListenerDown, Target));

        await cluster.StopAsync();
        var (alert, fired) = await stack.WaitForAlertAsync(ListenerDown, Target, AlertBound);
        Assert.Null(await stack.FindAlertAsync(TimeoutRateHigh, Target)); // a refusal is not a timeout
        await cluster.StartServerAsync();
        var resolved = await stack.WaitForResolvedAsync(ListenerDown, Target, AlertBound);

        output.WriteLine($"{ListenerDown}: in Alertmanager {fired.TotalSeconds:F1} s after the stop, gone {resolved.TotalSeconds:F1} s after the start");
        Assert.Equal("active", alert["status"]?["state"]?.ToString());
        Assert.Equal("page", alert["labels"]?["severity"]?.ToString());
        Assert.Equal("transport", alert["labels"]?["layer"]?.ToString());
        Assert.Equal("listener_down", alert["labels"]?["cause"]?.ToString());
        Assert.Equal(MonitoringStack.Vantage, alert["labels"]?["vantage"]?.ToString());
    }

    // One-second cycles with a 500 ms connect timeout: every scrape sees a fresh result, and a timeout ends well inside a cycle.
    private static object AgentConfig(int port) =>
        Config(Target(Target, "127.0.0.1", port, password: Password, interval: "1s", timeout: "500ms"));

    // The black hole lives only while the assertion runs, on the port the stopped server left; the server gets it back after.
    private static async Task<T> BlackHoleOnTheSamePortAsync<T>(int port, Func<Task<T>> whileBlackHoled)
    {
        await using var hole = await BlackHoleListener.StartAsync(IPAddress.Loopback, port);
        return await whileBlackHoled();
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Deploy;

namespace PgReachExporter.IntegrationTests.EndToEnd;

/// <summary>
/// The agent process, a real Prometheus evaluating a time-shortened copy of deploy/prometheus/alerts.yml, and a
/// real Alertmanager running deploy/alertmanager/alertmanager.yml, all on loopback ports the OS picks.
/// Disposing stops all three.
/// </summary>
internal sealed class MonitoringStack : IAsyncDisposable
{
    /// <summary>Rule durations are divided by this: a minute becomes three seconds, `for: 5m` becomes 15 s.</summary>
    public const int TimeDivisor = 20;

    /// <summary>The vantage label the test's scrape configuration adds, as a real deployment does.</summary>
    public const string Vantage = "e2e";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly string _agentDirectory;
    private readonly List<IAsyncDisposable> _owned;

    private MonitoringStack(string agentDirectory, AgentProcess agent, AlertmanagerProcess alertmanager, PrometheusProcess prometheus)
    {
        _agentDirectory = agentDirectory;
        Agent = agent;
        Alertmanager = alertmanager;
        Prometheus = prometheus;
        AlertmanagerHttp = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = alertmanager.BaseAddress,
            Timeout = TimeSpan.FromSeconds(10),
        };
        _owned = [prometheus, alertmanager, agent];
    }

    public AgentProcess Agent { get; }

    public AlertmanagerProcess Alertmanager { get; }

    public PrometheusProcess Prometheus { get; }

    private HttpClient AlertmanagerHttp { get; }

    /// <summary>Starts the agent on <paramref name="agentConfiguration"/>, then Alertmanager, then Prometheus scraping the agent every second.</summary>
    public static async Task<MonitoringStack> StartAsync(object agentConfiguration)
    {
        var agentDirectory = Directory.CreateTempSubdirectory("pgreach-e2e-agent-").FullName;
        var owned = new Stack<IAsyncDisposable>();
        try
        {
            var configFile = Path.Combine(agentDirectory, "targets.json");
            await File.WriteAllTextAsync(configFile, JsonSerializer.Serialize(agentConfiguration));
            var agent = AgentProcess.Start(["--config", configFile, "--urls", "http://127.0.0.1:0"]);
            owned.Push(agent);
            var agentAddress = await agent.WaitUntilListeningAsync();

            var alertmanager = await AlertmanagerProcess.StartAsync(RepositoryLayout.AlertmanagerConfig);
            owned.Push(alertmanager);

            var prometheus = await PrometheusProcess.StartAsync(
                PrometheusConfig(agentAddress, alertmanager.BaseAddress),
                ("alerts.yml", ShortenedRuleFile.Load(RepositoryLayout.AlertRules, TimeDivisor)));
            return new MonitoringStack(agentDirectory, agent, alertmanager, prometheus);
        }
        catch
        {
            while (owned.TryPop(out var resource))
            {
                await resource.DisposeAsync();
            }

            Directory.Delete(agentDirectory, recursive: true);
            throw;
        }
    }

    /// <summary>Waits, bounded, until an instant query returns at least one series.</summary>
    public async Task WaitForSeriesAsync(string promQl, TimeSpan bound)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < bound)
        {
            if ((await Prometheus.QueryAsync(promQl)).Count > 0)
            {
                return;
            }

            await Task.Delay(PollInterval);
        }

        Assert.Fail($"Prometheus returned nothing for {promQl} within {bound}.\n{await DescribeAsync()}");
    }

    /// <summary>Waits, bounded, until Alertmanager's API lists the alert for the target; returns it and how long that took.</summary>
    public async Task<(JsonNode Alert, TimeSpan After)> WaitForAlertAsync(string alertName, string target, TimeSpan bound)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < bound)
        {
            if (await FindAlertAsync(alertName, target) is { } alert)
            {
                return (alert, waited.Elapsed);
            }

            await Task.Delay(PollInterval);
        }

        Assert.Fail($"{alertName} for {target} did not reach Alertmanager within {bound}.\n{await DescribeAsync()}");
        throw new UnreachableException();
    }

    /// <summary>Waits, bounded, until Alertmanager's API no longer lists the alert (Prometheus sent it resolved); returns how long that took.</summary>
    public async Task<TimeSpan> WaitForResolvedAsync(string alertName, string target, TimeSpan bound)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < bound)
        {
            if (await FindAlertAsync(alertName, target) is null)
            {
                return waited.Elapsed;
            }

            await Task.Delay(PollInterval);
        }

        Assert.Fail($"{alertName} for {target} was still active in Alertmanager after {bound}.\n{await DescribeAsync()}");
        throw new UnreachableException();
    }

    /// <summary>The alert as Alertmanager's API v2 lists it (only alerts that have not ended), or null.</summary>
    public async Task<JsonNode?> FindAlertAsync(string alertName, string target)
    {
        var alerts = await AlertmanagerHttp.GetFromJsonAsync<JsonArray>("api/v2/alerts") ?? [];
        return alerts.FirstOrDefault(alert =>
            alert?["labels"]?["alertname"]?.ToString() == alertName && alert["labels"]?["target"]?.ToString() == target);
    }

    public async ValueTask DisposeAsync()
    {
        AlertmanagerHttp.Dispose();
        foreach (var resource in _owned)
        {
            await resource.DisposeAsync();
        }

        Directory.Delete(_agentDirectory, recursive: true);
    }

    private static string PrometheusConfig(Uri agent, Uri alertmanager) => string.Create(CultureInfo.InvariantCulture, $$"""
        # Test-only configuration: one-second scrapes and evaluations, everything on loopback.
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        rule_files:
          - alerts.yml
        alerting:
          alertmanagers:
            - static_configs:
                - targets: ["{{alertmanager.Authority}}"]
        scrape_configs:
          - job_name: pgreach
            metrics_path: /metrics
            static_configs:
              - targets: ["{{agent.Authority}}"]
                labels:
                  vantage: {{Vantage}}
        """);

    private async Task<string> DescribeAsync()
    {
        string alertmanagerAlerts;
        string prometheusAlerts;
        try
        {
            alertmanagerAlerts = await AlertmanagerHttp.GetStringAsync("api/v2/alerts");
            prometheusAlerts = await Prometheus.AlertsTextAsync();
        }
        catch (HttpRequestException ex)
        {
            alertmanagerAlerts = prometheusAlerts = $"(not readable: {ex.Message})";
        }

        return $"""
            --- Alertmanager /api/v2/alerts ---
            {alertmanagerAlerts}
            --- Prometheus /api/v1/alerts ---
            {prometheusAlerts}
            --- agent output (tail) ---
            {Tail(Agent.Output, 30)}
            --- Prometheus log (tail) ---
            {Tail(Prometheus.Log, 15)}
            """;
    }

    private static string Tail(string text, int lines) =>
        string.Join('\n', text.Split('\n').TakeLast(lines));
}

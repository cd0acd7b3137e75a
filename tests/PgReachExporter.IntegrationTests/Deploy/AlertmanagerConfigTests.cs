using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace PgReachExporter.IntegrationTests.Deploy;

public sealed class AlertmanagerConfigTests
{
    private static readonly Dictionary<string, string> ReceiverBySeverity = new()
    {
        ["page"] = "pgreach-pager",
        ["warning"] = "pgreach-tickets",
    };

    [Fact]
    public async Task Amtool_accepts_the_configuration()
    {
        var result = await ExternalTool.Amtool.RunAsync(["check-config", RepositoryLayout.AlertmanagerConfig]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS", result.Output);
    }

    [Fact]
    public async Task Every_alert_reaches_the_receiver_its_severity_names()
    {
        var rules = PrometheusRuleFile.Load(RepositoryLayout.AlertRules);

        foreach (var alert in rules.Alerts)
        {
            var expected = ReceiverBySeverity[alert.Labels["severity"]];
            var labels = alert.Labels.Select(label => $"{label.Key}={label.Value}").Append($"alertname={alert.Name}").Append("target=orders");

            var result = await ExternalTool.Amtool.RunAsync(
                ["config", "routes", "test", $"--config.file={RepositoryLayout.AlertmanagerConfig}", $"--verify.receivers={expected}", .. labels]);

            Assert.True(result.ExitCode == 0, $"{alert.Name} should reach {expected}: {result}");
        }
    }

    [Fact]
    public void The_timeout_rate_alert_has_its_own_paging_route_and_groups_go_by_target_and_cause()
    {
        var route = YamlFile.Load(RepositoryLayout.AlertmanagerConfig)["route"];

        Assert.Equal(["target", "cause"], route?["group_by"].Strings());
        var first = route?["routes"].Items().First();
        Assert.Equal(["alertname=\"PgReachTcpTimeoutRateHigh\""], first?["matchers"].Strings());
        Assert.Equal("pgreach-pager", first?["receiver"]?.ToString());
    }

    [Fact]
    public async Task A_listener_that_is_down_silences_login_alerts_of_the_same_target_and_vantage_only()
    {
        await using var alertmanager = await AlertmanagerProcess.StartAsync(RepositoryLayout.AlertmanagerConfig);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = alertmanager.BaseAddress };
        JsonArray alerts =
        [
            Alert("PgReachListenerDown", "page", "orders", "compose"),
            Alert("PgReachLoginRejectedByHba", "page", "orders", "compose"),
            Alert("PgReachLoginRejectedByHba", "page", "orders", "site-b"),
            Alert("PgReachLoginPasswordFailed", "page", "billing", "compose"),
            Alert("PgReachHbaRuleErrors", "warning", "orders", "compose"),
        ];

        using var posted = await http.PostAsJsonAsync("api/v2/alerts", alerts);
        Assert.True(posted.IsSuccessStatusCode, $"POST /api/v2/alerts: {(int)posted.StatusCode}\n{alertmanager.Log}");

        var states = await WaitForStatesAsync(http, expectedCount: alerts.Count, suppressedAtLeast: 1);
        Assert.Equal("suppressed", states[("PgReachLoginRejectedByHba", "orders", "compose")]);
        Assert.Equal("active", states[("PgReachListenerDown", "orders", "compose")]);
        Assert.Equal("active", states[("PgReachLoginRejectedByHba", "orders", "site-b")]);
        Assert.Equal("active", states[("PgReachLoginPasswordFailed", "billing", "compose")]);
        Assert.Equal("active", states[("PgReachHbaRuleErrors", "orders", "compose")]);
    }

    private static JsonObject Alert(string name, string severity, string target, string vantage) => new()
    {
        ["labels"] = new JsonObject
        {
            ["alertname"] = name,
            ["severity"] = severity,
            ["target"] = target,
            ["vantage"] = vantage,
        },
        ["annotations"] = new JsonObject { ["summary"] = $"{name} {target}" },
    };

    // The inhibitor learns about posted alerts asynchronously: poll the API until it has applied them, with a bound.
    private static async Task<Dictionary<(string, string, string), string>> WaitForStatesAsync(
        HttpClient http, int expectedCount, int suppressedAtLeast)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20);
        var states = new Dictionary<(string, string, string), string>();
        while (DateTimeOffset.UtcNow < deadline)
        {
            var listed = await http.GetFromJsonAsync<JsonArray>("api/v2/alerts") ?? [];
            states = listed.Items().ToDictionary(
                alert => (alert["labels"]!["alertname"]!.ToString(), alert["labels"]!["target"]!.ToString(), alert["labels"]!["vantage"]!.ToString()),
                alert => alert["status"]!["state"]!.ToString());
            if (states.Count == expectedCount && states.Values.Count(state => state == "suppressed") >= suppressedAtLeast
                && states.Values.All(state => state is "active" or "suppressed"))
            {
                return states;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        Assert.Fail($"Alertmanager did not settle the alert states within the bound: {string.Join(", ", states)}");
        return states;
    }
}

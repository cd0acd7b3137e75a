using System.Net.Http.Headers;
using PgReachExporter.IntegrationTests.Agent;

namespace PgReachExporter.IntegrationTests.Probe;

/// <summary>Configurations with /probe modules, and GET /probe as Prometheus sends it.</summary>
internal static class ProbeAgent
{
    public const string Password = "probe-Secret-Pw-5519";

    /// <summary>A module in the documented shape, with an inline password (a test has no secret mount).</summary>
    public static Dictionary<string, object?> Module(string[] allow, string timeout = "2s", string username = "app", string database = "orders") => new()
    {
        ["Username"] = username, ["Database"] = database, ["Password"] = Password, ["SslMode"] = "Disable",
        ["ConnectTimeout"] = timeout, ["Allow"] = allow,
    };

    /// <summary>An agent with one configured target, the given modules and optionally PgReach:Probe settings.</summary>
    public static object Config(Dictionary<string, object?> target, Dictionary<string, object>? modules, object? probe = null)
    {
        var pgReach = new Dictionary<string, object>
        {
            ["Interval"] = "2s",
            ["Targets"] = new[] { target.Where(kv => kv.Value is not null).ToDictionary() },
        };
        if (modules is not null)
        {
            pgReach["Modules"] = modules;
        }

        if (probe is not null)
        {
            pgReach["Probe"] = probe;
        }

        return new { PgReach = pgReach };
    }

    /// <summary>GET /probe?QUERY with Prometheus's scrape-timeout header when given.</summary>
    public static async Task<(System.Net.HttpStatusCode Status, string Body)> GetAsync(RunningAgent agent, string query, double? scrapeTimeoutSeconds = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/probe?" + query);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
        if (scrapeTimeoutSeconds is { } seconds)
        {
            request.Headers.Add("X-Prometheus-Scrape-Timeout-Seconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var response = await agent.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using PgReachExporter.Configuration;

namespace PgReachExporter.IntegrationTests.Agent;

/// <summary>The real agent hosted in the test process on a port the OS picks, scraped over real HTTP.</summary>
public sealed class RunningAgent : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningAgent(WebApplication app, Uri baseAddress, string configFile)
    {
        _app = app;
        BaseAddress = baseAddress;
        ConfigFile = configFile;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);

    public Uri BaseAddress { get; }

    /// <summary>The agent's services, for tests that play the part of an evidence provider.</summary>
    public IServiceProvider Services => _app.Services;
    public HttpClient Http { get; }

    /// <summary>The --config file the agent watches; rewrite it to reload.</summary>
    public string ConfigFile { get; }

    /// <summary>Starts the agent on the given configuration object (serialised to a --config file).</summary>
    public static Task<RunningAgent> StartAsync(object configuration, params string[] extraArgs) =>
        StartListeningAsync("http://127.0.0.1:0", configuration, extraArgs);

    /// <summary>Starts the agent on <paramref name="urls"/> (e.g. https://127.0.0.1:0 with a web configuration that turns TLS on).</summary>
    public static async Task<RunningAgent> StartListeningAsync(string urls, object configuration, params string[] extraArgs)
    {
        var directory = Directory.CreateTempSubdirectory("pgreach-agent-").FullName;
        var configFile = Path.Combine(directory, "targets.json");
        await File.WriteAllTextAsync(configFile, JsonSerializer.Serialize(configuration));
        string[] args = ["--config", configFile, "--urls", urls, .. extraArgs];
        WebApplication app;
        try
        {
            app = AgentHost.Build(args, new LibpqEnvironment(new Dictionary<string, string?>()));
        }
        catch
        {
            Directory.Delete(directory, recursive: true); // a rejected configuration leaves nothing behind
            throw;
        }

        await app.StartAsync();
        var address = app.Urls.Single();
        return new RunningAgent(app, new Uri(address), configFile);
    }

    /// <summary>Starts the agent probing <paramref name="targets"/> (objects serialised as the PgReach:Targets entries).</summary>
    public static Task<RunningAgent> StartWithTargetsAsync(IEnumerable<object> targets, string interval = "1s", string connectTimeout = "500ms") =>
        StartAsync(new { PgReach = new { Interval = interval, ConnectTimeout = connectTimeout, Targets = targets.ToArray() } });

    /// <summary>A target object in the documented configuration shape.</summary>
    public static Dictionary<string, object?> Target(string name, string host, int port, string username = "app", string? password = null,
        string database = "postgres", string timeout = "1s", string interval = "2s", string sslMode = "Disable") => new()
    {
        ["Name"] = name, ["Host"] = host, ["Port"] = port, ["Username"] = username, ["Password"] = password,
        ["Database"] = database, ["ConnectTimeout"] = timeout, ["Interval"] = interval, ["SslMode"] = sslMode,
    };

    public static object Config(params Dictionary<string, object?>[] targets) =>
        new { PgReach = new { Interval = "2s", Targets = targets.Select(t => t.Where(kv => kv.Value is not null).ToDictionary()) } };

    public async Task<Scrape> ScrapeAsync() => Scrape.Parse(await Http.GetStringAsync("/metrics"));

    /// <summary>Scrapes until the condition holds, failing with the last scrape after the bound.</summary>
    public Task<Scrape> WaitForAsync(Func<Scrape, bool> condition, TimeSpan? timeout = null, string? because = null) =>
        MetricsPoller.WaitForAsync(Http, condition, timeout, because);

    /// <summary>Waits until the target's one-hot login result is set, and returns the scrape.</summary>
    public Task<Scrape> WaitForLoginAsync(string target, TimeSpan? timeout = null) =>
        WaitForAsync(s => s.Current("pgreach_login_result", $"target={target}") is not null, timeout, $"login result of {target}");

    /// <summary>Polls GET /api/targets until <paramref name="ready"/> holds for its document, or fails after the bound.</summary>
    public async Task<JsonElement> WaitForTargetsAsync(Func<JsonElement, bool> ready, TimeSpan bound)
    {
        var waited = Stopwatch.StartNew();
        string last = "";
        while (waited.Elapsed < bound)
        {
            last = await Http.GetStringAsync("/api/targets");
            using var document = JsonDocument.Parse(last);
            if (ready(document.RootElement))
            {
                return document.RootElement.Clone();
            }

            await Task.Delay(PollEvery);
        }

        throw new TimeoutException($"/api/targets did not reach the expected state within {bound.TotalSeconds:0} s; last answer:\n{last}");
    }

    /// <summary>Waits until every target has a verdict whose state is the expected one.</summary>
    public Task<JsonElement> WaitForStatesAsync(IReadOnlyDictionary<string, string> states, TimeSpan bound) =>
        WaitForTargetsAsync(root => states.All(expected =>
            root.GetProperty("targets").EnumerateArray().Any(t =>
                t.GetProperty("name").GetString() == expected.Key && t.GetProperty("state").GetString() == expected.Value)), bound);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(bound.Token);
        await _app.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(ConfigFile)!, recursive: true);
    }
}

using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using PgReachExporter.Configuration;

namespace PgReachExporter.IntegrationTests.Diagnosis;

/// <summary>
/// The real agent (AgentHost.Build) running in the test process on a port the OS picks, with its targets in a
/// --config file of its own; stopped and cleaned up on dispose.
/// </summary>
internal sealed class InProcessAgent : IAsyncDisposable
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);

    private readonly WebApplication _app;
    private readonly DirectoryInfo _directory;

    private InProcessAgent(WebApplication app, DirectoryInfo directory, Uri baseAddress)
    {
        _app = app;
        _directory = directory;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    /// <summary>The agent's services, for tests that play the part of an evidence provider.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the agent probing <paramref name="targets"/> (objects serialised as the PgReach:Targets entries).</summary>
    public static async Task<InProcessAgent> StartAsync(IEnumerable<object> targets, string interval = "1s", string connectTimeout = "500ms")
    {
        var directory = Directory.CreateTempSubdirectory("pgreach-agent-");
        var config = Path.Combine(directory.FullName, "pgreach.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            PgReach = new { Interval = interval, ConnectTimeout = connectTimeout, Targets = targets.ToArray() },
        }));

        var app = AgentHost.Build(["--config", config, "--urls", "http://127.0.0.1:0"], new LibpqEnvironment(new Dictionary<string, string?>()));
        await app.StartAsync();
        return new InProcessAgent(app, directory, new Uri(app.Urls.First()));
    }

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
        await _app.StopAsync();
        await _app.DisposeAsync();
        _directory.Delete(recursive: true);
    }
}

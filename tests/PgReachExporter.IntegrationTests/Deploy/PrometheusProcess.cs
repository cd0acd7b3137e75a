using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>A real Prometheus server on a loopback port the OS picks, with its own TSDB; stopped on dispose.</summary>
internal sealed class PrometheusProcess : IAsyncDisposable
{
    private const string ConfigFileName = "prometheus.yml";

    private readonly LoopbackToolServer _server;

    private PrometheusProcess(LoopbackToolServer server)
    {
        _server = server;
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri BaseAddress => _server.BaseAddress;

    public HttpClient Http { get; }

    public string Log => _server.Log;

    /// <summary>
    /// Writes <paramref name="configYaml"/> and the <paramref name="files"/> it refers to (rule files, by relative
    /// name) into the server's own directory, starts Prometheus on it and returns once it is ready.
    /// </summary>
    public static async Task<PrometheusProcess> StartAsync(string configYaml, params (string Name, string Text)[] files) =>
        new(await LoopbackToolServer.StartAsync(
            ExternalTool.Prometheus,
            storage =>
            {
                File.WriteAllText(Path.Combine(storage, ConfigFileName), configYaml);
                foreach (var (name, text) in files)
                {
                    File.WriteAllText(Path.Combine(storage, name), text);
                }

                return
                [
                    $"--config.file={Path.Combine(storage, ConfigFileName)}",
                    $"--storage.tsdb.path={Path.Combine(storage, "tsdb")}",
                    "--web.listen-address=127.0.0.1:0",
                ];
            },
            readyMessage: "Server is ready to receive web requests"));

    /// <summary>Result vector of an instant query (the "data.result" array of /api/v1/query).</summary>
    public async Task<JsonArray> QueryAsync(string promQl)
    {
        var response = await Http.GetFromJsonAsync<JsonObject>($"api/v1/query?query={Uri.EscapeDataString(promQl)}");
        return response?["data"]?["result"] as JsonArray ?? [];
    }

    /// <summary>The alerts Prometheus holds (pending and firing), as /api/v1/alerts returns them; for failure messages.</summary>
    public async Task<string> AlertsTextAsync() => await Http.GetStringAsync("api/v1/alerts");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _server.DisposeAsync();
    }
}

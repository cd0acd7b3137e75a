namespace PgReachExporter.IntegrationTests.Deploy;

/// <summary>A real Alertmanager on a loopback port the OS picks, with its own storage; stopped on dispose.</summary>
internal sealed class AlertmanagerProcess : IAsyncDisposable
{
    private readonly LoopbackToolServer _server;

    private AlertmanagerProcess(LoopbackToolServer server) => _server = server;

    public Uri BaseAddress => _server.BaseAddress;

    public string Log => _server.Log;

    public static async Task<AlertmanagerProcess> StartAsync(string configFile) =>
        new(await LoopbackToolServer.StartAsync(ExternalTool.Alertmanager, storage =>
        [
            $"--config.file={configFile}",
            $"--storage.path={storage}",
            "--web.listen-address=127.0.0.1:0",
            "--cluster.listen-address=",
        ]));

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PgReachExporter.IntegrationTests.Infrastructure;

namespace PgReachExporter.IntegrationTests.Agent;

/// <summary>
/// The agent's log goes to stdout, and whatever reads it (journald, a container runtime's log driver, a pipe) can stop
/// reading. Found at 10,000 targets: the start-up burst of one warning per failing target filled the pipe, every
/// thread that logged then waited on it, and probes and /metrics stalled for minutes.
/// </summary>
public sealed class BlockedLogOutputTests : IDisposable
{
    // Each warns once at its first cycle (about 200 bytes each): far more than a 64 KiB pipe holds.
    private const int Targets = 600;
    private readonly string _directory = Directory.CreateTempSubdirectory("pgreach-blocked-log-").FullName;
    private readonly List<Socket> _reserved = [];

    public void Dispose()
    {
        foreach (var socket in _reserved)
        {
            socket.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Probes_and_metrics_go_on_while_nothing_reads_the_log()
    {
        // Bound but not listening: every connect is refused at once, and each target logs that it is not reachable.
        var ports = Enumerable.Range(0, Targets).Select(_ => Reserve()).ToArray();
        var targets = string.Join(",\n", ports.Select((port, i) =>
            $$"""{ "Name": "refused-{{i.ToString("000", CultureInfo.InvariantCulture)}}", "Host": "127.0.0.1", "Port": {{port}}, "Database": "postgres", "Username": "probe" }"""));
        var config = Path.Combine(_directory, "targets.json");
        await File.WriteAllTextAsync(config, $$"""{ "PgReach": { "Interval": "2s", "ConnectTimeout": "1s", "Targets": [ {{targets}} ] } }""");
        var port = FreePort.Allocate(IPAddress.Loopback);
        await using var agent = AgentProcess.Start(["--config", config, "--urls", $"http://127.0.0.1:{port}"], readStandardOutput: false);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };

        await WaitUntilAnsweringAsync(http, agent);

        // Three cycles of every target: at a 2 s interval that is about 6 s of probing; the bound is generous.
        var scrape = await MetricsPoller.WaitForAsync(http, s => CyclesOfSlowestTarget(s) >= 3, TimeSpan.FromSeconds(45),
            because: "every target keeps its schedule although stdout is full");

        Assert.False(agent.HasExited);
        // 600 lines fit in the agent's queue, so none is lost yet (LogOutputTests drops some from a small queue).
        Assert.Equal(0, scrape.Value("pgreach_log_events_dropped_total"));
        Assert.Contains("# HELP pgreach_log_events_dropped_total", scrape.Text);
    }

    /// <summary>The "Now listening" line goes to the unread stdout: the port is polled instead, within a bound.</summary>
    private static async Task WaitUntilAnsweringAsync(HttpClient http, AgentProcess agent)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                (await http.GetAsync("/healthz")).EnsureSuccessStatusCode();
                return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !agent.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    private static double CyclesOfSlowestTarget(Scrape scrape)
    {
        var cycles = scrape.Find("pgreach_tcp_probes_total")
            .GroupBy(s => s["target"])
            .ToDictionary(g => g.Key!, g => g.Sum(s => s.Value));
        return cycles.Count < Targets ? 0 : cycles.Values.Min();
    }

    private int Reserve()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _reserved.Add(socket);
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

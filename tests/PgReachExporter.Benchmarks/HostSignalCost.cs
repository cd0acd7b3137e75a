using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using PgReachExporter.Configuration;

namespace PgReachExporter.Benchmarks;

/// <summary>
/// What the host's view costs in the running agent (in-process, real AgentHost), run as
/// `dotnet run -c Release --project tests/PgReachExporter.Benchmarks -- host-signals [targets] [seconds]`:
/// process CPU over a window for the same targets with and without quiet server logs (probes an hour apart, so
/// the log watch is what is measured), and with and without the socket table read after every 1 s cycle.
/// </summary>
internal static class HostSignalCost
{
    public static async Task<int> RunAsync(string[] args)
    {
        int targets = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        var window = TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20);
        string directory = Directory.CreateTempSubdirectory("pgreach-host-cost-").FullName;
        try
        {
            int port = FreePort();
            Console.WriteLine($"{targets} targets, {window.TotalSeconds:0} s window, {Environment.ProcessorCount} cores");
            await MeasureAsync("probes 1 h apart, no log", directory, Targets(targets, port, "1h", i => null, listener: false), window);
            await MeasureAsync("probes 1 h apart, quiet log each", directory, Targets(targets, port, "1h", i => QuietLog(directory, i), listener: false), window);
            await MeasureAsync("probes every 1 s (refused), no socket table", directory, Targets(targets, port, "1s", _ => null, listener: false), window);
            await MeasureAsync("probes every 1 s (refused), socket table each cycle", directory, Targets(targets, port, "1s", _ => null, listener: true), window);
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task MeasureAsync(string name, string directory, object[] targets, TimeSpan window)
    {
        string config = Path.Combine(directory, "pgreach.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new { PgReach = new { Targets = targets } }));
        WebApplication app = AgentHost.Build(
            ["--config", config, "--urls", "http://127.0.0.1:0", "--Serilog:MinimumLevel:Default", "Warning"],
            new LibpqEnvironment(new Dictionary<string, string?>()));
        await app.StartAsync();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(10)); // start-up, first opens and the JIT's second tier out of the window
            using var process = Process.GetCurrentProcess();
            TimeSpan before = process.TotalProcessorTime;
            await Task.Delay(window);
            process.Refresh();
            double cpu = (process.TotalProcessorTime - before).TotalMilliseconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {cpu:F0} ms CPU in {window.TotalSeconds:0} s ({cpu / window.TotalSeconds / 10:F2} % of one core)"));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static object[] Targets(int count, int port, string interval, Func<int, string?> logPath, bool listener) =>
        [.. Enumerable.Range(0, count).Select(i => new Dictionary<string, object?>
        {
            ["Name"] = $"t{i}", ["Host"] = "127.0.0.1", ["Port"] = port, ["Username"] = "app", ["ConnectTimeout"] = "500ms",
            ["Interval"] = interval, ["SslMode"] = "Disable", ["LogPath"] = logPath(i), ["LocalListener"] = listener,
        }.Where(kv => kv.Value is not null).ToDictionary())];

    private static string QuietLog(string directory, int i)
    {
        string path = Path.Combine(directory, $"quiet-{i}.log");
        if (!File.Exists(path))
        {
            File.WriteAllText(path, "2024-05-01 10:00:00.000 UTC [1] LOG:  database system is ready to accept connections\n");
        }

        return path;
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

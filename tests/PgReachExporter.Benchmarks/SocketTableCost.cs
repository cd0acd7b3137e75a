using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PgReachExporter.HostSignals;

namespace PgReachExporter.Benchmarks;

/// <summary>
/// Cost of one socket-table read, run as `dotnet run -c Release --project tests/PgReachExporter.Benchmarks -- socket-table [connections]`:
/// the /proc/net/tcp text table against the sock_diag netlink dump, with a number of open loopback connections
/// (a busy server's table), and a whole inspection as a target's cycle does it (read, owners, port filter).
/// </summary>
internal static class SocketTableCost
{
    private const int Rounds = 200;

    public static async Task<int> RunAsync(string[] args)
    {
        int connections = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        server.Listen(connections);
        var port = ((IPEndPoint)server.LocalEndPoint!).Port;
        var open = new List<Socket>();
        try
        {
            for (int i = 0; i < connections; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
                open.Add(client);
                open.Add(await server.AcceptAsync());
            }

            int rows = File.ReadAllLines("/proc/net/tcp").Length - 1 + File.ReadAllLines("/proc/net/tcp6").Length - 1;
            Console.WriteLine($"{connections} loopback connections open; /proc/net/tcp and tcp6 hold {rows} rows");
            var table = new ListeningSocketTable();
            Measure("/proc/net/tcp{,6} read and parsed", () => table.ScanAll().Listeners.Count);
            Measure("sock_diag netlink dump of LISTEN sockets", () => SockDiagListeners.TryScanAll()!.Listeners.Count);
            var tables = new ListenerTables();
            var time = TimeProvider.System;
            Measure("inspection of a port with a listener (fresh read each time)", () => tables.Inspect(port, null, time.GetUtcNow()).Listeners.Count);
            Measure("inspection of an empty port (owners of all listeners)", () => tables.Inspect(1, null, time.GetUtcNow()).PostgresElsewhere.Count);
            return 0;
        }
        finally
        {
            foreach (var socket in open)
            {
                socket.Dispose();
            }
        }
    }

    private static void Measure(string name, Func<int> read)
    {
        int found = read(); // warm up, and the owner lookups of sockets seen for the first time
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Rounds; i++)
        {
            found = read();
        }

        double wall = clock.Elapsed.TotalMilliseconds / Rounds;
        double used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / Rounds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {wall:F3} ms per read ({used:F3} ms CPU), {found} found"));
    }
}

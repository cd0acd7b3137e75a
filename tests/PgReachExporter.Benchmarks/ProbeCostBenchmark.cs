using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using PgReachExporter.Configuration;
using PgReachExporter.Probes;

namespace PgReachExporter.Benchmarks;

/// <summary>
/// One probe of each kind on loopback, in isolation: what a TCP probe costs without the login that the load
/// harness's cycles also make. "open" connects to a listener of this process that accepts and closes; "refused"
/// to a port reserved by a bound socket that does not listen. On loopback the kernel runs both ends of the handshake
/// inside these calls, so the time is mostly CPU, and more than against a remote server.
/// </summary>
[MemoryDiagnoser]
public class ProbeCostBenchmark
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private readonly TcpConnectProbe _tcp = new(TimeProvider.System);
    private readonly CancellationTokenSource _stop = new();
    private Socket _listener = null!;
    private Socket _reserved = null!;
    private IPEndPoint _open = null!;
    private IPEndPoint _refused = null!;
    private LoginProbe _refusedLogin = null!;
    private Task _acceptLoop = Task.CompletedTask;

    [GlobalSetup]
    public void Setup()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        _open = (IPEndPoint)_listener.LocalEndPoint!;
        _acceptLoop = AcceptAsync(_listener, _stop.Token);

        _reserved = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _reserved.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _refused = (IPEndPoint)_reserved.LocalEndPoint!;
        _refusedLogin = new LoginProbe(new TargetDefinition
        {
            Name = "refused", Host = "127.0.0.1", Port = _refused.Port, Database = "postgres", Username = "app",
            ConnectTimeout = Timeout, Interval = TimeSpan.FromSeconds(15),
        }, TimeProvider.System, new PostgresGreetingProbe(TimeProvider.System));
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _acceptLoop.ContinueWith(_ => { }, TaskScheduler.Default);
        _reserved.Dispose();
    }

    [Benchmark(Baseline = true, Description = "TCP probe, open")]
    public async Task<object> TcpOpen() => await _tcp.ConnectAsync(_open, Timeout, CancellationToken.None);

    [Benchmark(Description = "TCP probe, refused")]
    public async Task<object> TcpRefused() => await _tcp.ConnectAsync(_refused, Timeout, CancellationToken.None);

    [Benchmark(Description = "login probe, refused")]
    public async Task<object> LoginRefused() => await _refusedLogin.LoginAsync(CancellationToken.None);

    private static async Task AcceptAsync(Socket listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using var accepted = await listener.AcceptAsync(stop);
        }
    }
}

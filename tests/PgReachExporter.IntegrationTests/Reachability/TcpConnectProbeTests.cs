using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.Lab;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.IntegrationTests.Reachability;

/// <summary>
/// The TCP probe on real loopback sockets: every outcome is classified, a failed connect is read off the socket
/// without an exception being thrown (at 10,000 targets a throw per refusal or timeout is measurable CPU), and an
/// accepted connection can be kept for the cycle's next probe of that address.
/// </summary>
public sealed class TcpConnectProbeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private readonly TcpConnectProbe _probe = new(TimeProvider.System);

    [Fact]
    public async Task A_port_nothing_listens_on_is_refused_without_an_exception()
    {
        var port = FreePort.Allocate();

        var (observation, thrown) = await WatchingExceptionsAsync(() => _probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), Timeout, CancellationToken.None));

        Assert.Equal(TcpConnectResult.Refused, observation.Result);
        Assert.Equal("ConnectionRefused", observation.Problem);
        Assert.Empty(thrown);
    }

    [Fact]
    public async Task A_dropped_syn_times_out_at_the_deadline_without_an_exception()
    {
        await using var hole = await BlackHoleListener.StartAsync(IPAddress.Loopback);

        var (observation, thrown) = await WatchingExceptionsAsync(() => _probe.ConnectAsync(hole.EndPoint, Timeout, CancellationToken.None));

        Assert.Equal(TcpConnectResult.Timeout, observation.Result);
        Assert.Equal("no answer within 1s", observation.Problem);
        Assert.InRange(observation.Duration, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(1.5));
        Assert.Empty(thrown);
    }

    [Fact]
    public async Task Stopping_the_agent_ends_a_pending_connect_as_cancelled_not_as_a_timeout()
    {
        await using var hole = await BlackHoleListener.StartAsync(IPAddress.Loopback);
        using var stopping = new CancellationTokenSource();

        var connect = _probe.ConnectAsync(hole.EndPoint, TimeSpan.FromSeconds(30), stopping.Token);
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connect.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task An_accepted_connection_is_open_and_can_be_kept_for_the_next_probe()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = (IPEndPoint)listener.LocalEndpoint;

        var (observation, connected) = await _probe.ConnectAndKeepAsync(endpoint, Timeout, CancellationToken.None);
        using var accepted = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(10));
        using (connected)
        {
            Assert.Equal(TcpConnectResult.Open, observation.Result);
            Assert.Equal("127.0.0.1", observation.LocalAddress);
            Assert.NotNull(connected);
            await connected.SendAsync(new byte[] { 42 });
            var received = new byte[1];
            Assert.Equal(1, await accepted.ReceiveAsync(received, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(42, received[0]);
        }
    }

    [Fact]
    public async Task A_connection_not_kept_is_closed_gracefully()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        var observation = await _probe.ConnectAsync(listener.LocalEndpoint, Timeout, CancellationToken.None);
        using var accepted = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(TcpConnectResult.Open, observation.Result);
        // A clean end of stream (FIN), not a reset: the server side reads zero bytes.
        Assert.Equal(0, await accepted.ReceiveAsync(new byte[1], SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>Runs <paramref name="action"/> and collects the exceptions thrown in its own async flow (not other tests').</summary>
    private static async Task<(T Result, List<Exception> Thrown)> WatchingExceptionsAsync<T>(Func<Task<T>> action)
    {
        var thrown = new List<Exception>();
        var watching = new AsyncLocal<bool>();
        void OnThrown(object? sender, FirstChanceExceptionEventArgs e)
        {
            if (watching.Value)
            {
                lock (thrown)
                {
                    thrown.Add(e.Exception);
                }
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += OnThrown;
        try
        {
            watching.Value = true;
            var result = await action();
            return (result, thrown);
        }
        finally
        {
            watching.Value = false;
            AppDomain.CurrentDomain.FirstChanceException -= OnThrown;
        }
    }
}

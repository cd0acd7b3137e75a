using System.Net;
using System.Net.Sockets;
using PgReachExporter.Observations;
using PgReachExporter.Configuration;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Tests.Scheduling;

/// <summary>
/// The login a cycle makes, on real loopback sockets: after a cycle in which every address refused, the next cycle
/// connects first and makes no login that the same refusal already answers.
/// </summary>
public sealed class TargetProbeSessionTests
{
    [Fact]
    public async Task A_login_is_skipped_while_every_address_keeps_refusing_and_attempted_again_once_one_answers()
    {
        var port = RefusedPort();
        var target = new TargetDefinition
        {
            Name = "closed", Host = "127.0.0.1", Port = port, Database = "postgres", Username = "probe",
            SslMode = Npgsql.SslMode.Disable, ConnectTimeout = TimeSpan.FromSeconds(2), Interval = TimeSpan.FromSeconds(5),
        };
        await using var session = new TargetProbeSession(target, TimeProvider.System);

        var first = await session.RunAsync(CancellationToken.None);
        Assert.Equal(TcpConnectResult.Refused, Assert.Single(first.Tcp).Result);
        Assert.True(first.Login.Skipped);
        Assert.Equal(LoginResult.Refused, first.Login.Result);

        var second = await session.RunAsync(CancellationToken.None);
        Assert.Equal(TcpConnectResult.Refused, Assert.Single(second.Tcp).Result);
        Assert.True(second.Login.Skipped);
        Assert.Equal(LoginResult.Refused, second.Login.Result);
        Assert.Equal(TimeSpan.Zero, second.Login.Duration);
        Assert.Contains("not attempted", second.Login.Problem);

        var third = await WhileAcceptingAsync(port, () => session.RunAsync(CancellationToken.None));
        Assert.Equal(TcpConnectResult.Open, Assert.Single(third.Tcp).Result);
        Assert.False(third.Login.Skipped);
        Assert.NotEqual(LoginResult.Refused, third.Login.Result);
    }

    [Fact]
    public async Task A_refusal_within_the_grace_answers_the_first_cycle_without_a_login()
    {
        var target = new TargetDefinition
        {
            Name = "closed", Host = "127.0.0.1", Port = RefusedPort(), Database = "postgres", Username = "probe",
            ConnectTimeout = TimeSpan.FromSeconds(2), Interval = TimeSpan.FromSeconds(5),
        };
        await using var session = new TargetProbeSession(target, TimeProvider.System);

        var cycle = await session.RunAsync(CancellationToken.None);

        Assert.Equal(TcpConnectResult.Refused, Assert.Single(cycle.Tcp).Result);
        Assert.True(cycle.Login.Skipped);
        Assert.Equal(LoginResult.Refused, cycle.Login.Result);
        Assert.Contains("not attempted", cycle.Login.Problem);
    }

    [Fact]
    public async Task A_connect_still_pending_after_the_grace_has_the_login_alongside_it()
    {
        await using var hole = await PgReachExporter.Lab.BlackHoleListener.StartAsync(IPAddress.Loopback);
        var target = new TargetDefinition
        {
            Name = "hole", Host = "127.0.0.1", Port = hole.Port, Database = "postgres", Username = "probe",
            SslMode = Npgsql.SslMode.Disable, ConnectTimeout = TimeSpan.FromSeconds(1), Interval = TimeSpan.FromSeconds(5),
        };
        await using var session = new TargetProbeSession(target, TimeProvider.System);

        var cycle = await session.RunAsync(CancellationToken.None);

        Assert.Equal(TcpConnectResult.Timeout, Assert.Single(cycle.Tcp).Result);
        Assert.False(cycle.Login.Skipped);
        Assert.Equal(LoginResult.Timeout, cycle.Login.Result);
        // Side by side: the cycle is shorter than the connect and the login one after the other (each waits out the
        // 1 s timeout), whatever else the machine is doing; a wall-clock bound failed in loaded full runs (1.70 s).
        var tcp = Assert.Single(cycle.Tcp);
        Assert.True(cycle.Duration >= TimeSpan.FromSeconds(0.9), $"cycle {cycle.Duration}");
        Assert.True(cycle.Duration < tcp.Duration + cycle.Login.Duration,
            $"cycle {cycle.Duration}, connect {tcp.Duration}, login {cycle.Login.Duration}: not side by side");
    }

    [Fact]
    public async Task A_login_is_skipped_while_every_address_keeps_timing_out_and_attempted_again_once_one_answers()
    {
        var hole = await PgReachExporter.Lab.BlackHoleListener.StartAsync(IPAddress.Loopback);
        var port = hole.Port;
        var target = new TargetDefinition
        {
            Name = "hole", Host = "127.0.0.1", Port = port, Database = "postgres", Username = "probe",
            SslMode = Npgsql.SslMode.Disable, ConnectTimeout = TimeSpan.FromSeconds(1), Interval = TimeSpan.FromSeconds(5),
        };
        await using var session = new TargetProbeSession(target, TimeProvider.System);
        TargetCycle first, second;
        try
        {
            first = await session.RunAsync(CancellationToken.None);
            second = await session.RunAsync(CancellationToken.None);
        }
        finally
        {
            await hole.DisposeAsync();
        }

        // The first sight of the black hole is a real login, which times out too.
        Assert.Equal(TcpConnectResult.Timeout, Assert.Single(first.Tcp).Result);
        Assert.False(first.Login.Skipped);
        Assert.Equal(LoginResult.Timeout, first.Login.Result);
        // While every address still times out, the login that would time out the same way is not made.
        Assert.Equal(TcpConnectResult.Timeout, Assert.Single(second.Tcp).Result);
        Assert.True(second.Login.Skipped);
        Assert.Equal(LoginResult.Timeout, second.Login.Result);
        Assert.Equal(TimeSpan.Zero, second.Login.Duration);
        Assert.Contains("not attempted", second.Login.Problem);
        Assert.InRange(second.Duration, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(1.6));

        // The port answers again (the black hole's own port, as a server coming back would): the login is made.
        var third = await WhileAcceptingAsync(port, () => session.RunAsync(CancellationToken.None));
        Assert.Equal(TcpConnectResult.Open, Assert.Single(third.Tcp).Result);
        Assert.False(third.Login.Skipped);
        Assert.NotEqual(LoginResult.Timeout, third.Login.Result);
    }

    /// <summary>A loopback port bound and released again: nothing listens on it, so a connect to it is refused.</summary>
    private static int RefusedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Runs <paramref name="cycle"/> while something listens on <paramref name="port"/> (a port just refused or black-holed).</summary>
    private static async Task<TargetCycle> WhileAcceptingAsync(int port, Func<Task<TargetCycle>> cycle)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var accepting = AcceptAndCloseAsync(listener, stop.Token);
        try
        {
            return await cycle();
        }
        finally
        {
            await stop.CancelAsync();
            listener.Stop();
            await accepting;
        }
    }

    // Something that answers TCP and then hangs up: the login gets further than a refusal and fails there.
    private static async Task AcceptAndCloseAsync(TcpListener listener, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(stop);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped by the test.
        }
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PgReachExporter.IntegrationTests.Infrastructure;

public sealed class LoopbackListenerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task Connect_to_a_black_hole_times_out_instead_of_being_refused(string address)
    {
        await using var blackHole = await BlackHoleListener.StartAsync(IPAddress.Parse(address));
        using var client = new Socket(blackHole.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ConnectAsync(blackHole.EndPoint, giveUp.Token).AsTask());
        Assert.True(blackHole.FillerCount >= 1);
    }

    [Fact]
    public async Task Black_hole_takes_over_the_port_a_listener_just_left()
    {
        var silent = SilentListener.Start(IPAddress.Loopback);
        var port = silent.Port;
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            using var bound = new CancellationTokenSource(Bound);
            await client.ConnectAsync(silent.EndPoint, bound.Token);
            await silent.WaitForAcceptedAsync(1, Bound);
            await silent.DisposeAsync(); // the listener side closes first, so its end of the connection stays in TIME_WAIT on the port
        }

        await using var blackHole = await BlackHoleListener.StartAsync(IPAddress.Loopback, port);
        using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        Assert.Equal(port, blackHole.Port);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => late.ConnectAsync(blackHole.EndPoint, giveUp.Token).AsTask());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("::1")]
    public async Task Silent_listener_accepts_and_never_sends_a_byte(string address)
    {
        await using var silent = SilentListener.Start(IPAddress.Parse(address));
        using var client = new Socket(silent.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var bound = new CancellationTokenSource(Bound);
        await client.ConnectAsync(silent.EndPoint, bound.Token);
        await client.SendAsync(Encoding.ASCII.GetBytes("hello?"), SocketFlags.None, bound.Token);

        await silent.WaitForAcceptedAsync(1, Bound);
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ReceiveAsync(new byte[16], SocketFlags.None, quiet.Token).AsTask());
    }

    [Fact]
    public async Task Ssh_lookalike_greets_with_its_banner()
    {
        await using var ssh = ForeignProtocolListener.Start(ForeignProtocol.Ssh);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var bound = new CancellationTokenSource(Bound);
        await client.ConnectAsync(ssh.EndPoint, bound.Token);

        var buffer = new byte[64];
        var read = await client.ReceiveAsync(buffer, SocketFlags.None, bound.Token);

        Assert.Equal("SSH-2.0-OpenSSH_9.2\r\n", Encoding.ASCII.GetString(buffer, 0, read));
    }

    [Fact]
    public async Task Http_lookalike_answers_400_to_a_postgres_startup_packet_and_closes()
    {
        await using var http = ForeignProtocolListener.Start(ForeignProtocol.Http, IPAddress.IPv6Loopback);
        using var client = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        using var bound = new CancellationTokenSource(Bound);
        await client.ConnectAsync(http.EndPoint, bound.Token);

        // SSLRequest: length 8, code 80877103; what libpq-style clients send first.
        await client.SendAsync(new byte[] { 0, 0, 0, 8, 4, 210, 22, 47 }, SocketFlags.None, bound.Token);
        var answer = new StringBuilder();
        var buffer = new byte[256];
        for (int read; (read = await client.ReceiveAsync(buffer, SocketFlags.None, bound.Token)) > 0;)
        {
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", answer.ToString());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task Free_port_is_refused(string address)
    {
        var ip = IPAddress.Parse(address);
        var port = FreePort.Allocate(ip);
        using var client = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var bound = new CancellationTokenSource(Bound);

        var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(new IPEndPoint(ip, port), bound.Token).AsTask());

        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public void Listeners_refuse_addresses_outside_loopback()
    {
        var documentationAddress = IPAddress.Parse("192.0.2.1");

        Assert.Throws<ArgumentException>(() => FreePort.Allocate(documentationAddress));
        Assert.Throws<ArgumentException>(() => SilentListener.Start(documentationAddress));
    }
}

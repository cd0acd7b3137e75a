using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using PgReachExporter.Configuration;
using PgReachExporter.IntegrationTests.Infrastructure;
using PgReachExporter.Observations;
using PgReachExporter.Scheduling;

namespace PgReachExporter.IntegrationTests.Reachability;

/// <summary>
/// How many connections one cycle of an open target costs the server, counted by a loopback listener that speaks
/// enough of the protocol to tell them apart: the TLS probe goes on over the TCP probe's own connection, so a
/// cycle is two connections (SSLRequest only, and the login), never a third bare connect.
/// </summary>
public sealed class ConnectionsPerCycleTests
{
    private const int SslRequestCode = 80877103;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_cycle_with_the_tls_probe_dials_twice_and_the_tls_probe_uses_the_tcp_probes_connection()
    {
        var (cycle, seen, accepted) = await OneCycleAsync(SslMode.Prefer);

        Assert.Equal(TcpConnectResult.Open, Assert.Single(cycle.Tcp).Result);
        Assert.Equal(TlsProbeResult.ServerRefused, cycle.Find<TlsObservation>()!.Result);
        Assert.Equal(LoginResult.NoHbaEntry, cycle.Login.Result);
        Assert.Equal(["login", "ssl-request-only"], seen);
        Assert.Equal(2, accepted);
    }

    [Fact]
    public async Task Without_the_tls_probe_the_tcp_probes_connection_is_closed_before_any_byte()
    {
        var (cycle, seen, _) = await OneCycleAsync(SslMode.Disable);

        Assert.Null(cycle.Find<TlsObservation>());
        Assert.Equal(["bare", "login"], seen);
    }

    /// <summary>One cycle against the classifying listener: the cycle, the kinds of connection it made (sorted), how many.</summary>
    private static async Task<(TargetCycle Cycle, string[] Seen, int Accepted)> OneCycleAsync(SslMode sslMode)
    {
        var seen = new ConcurrentQueue<string>();
        await using var listener = new AcceptLoop(IPAddress.Loopback, 0, (socket, stopping) => ClassifyAsync(socket, seen, stopping));
        var target = new TargetDefinition
        {
            Name = "open", Host = "127.0.0.1", Port = listener.EndPoint.Port, Database = "postgres", Username = "probe",
            SslMode = sslMode, ConnectTimeout = TimeSpan.FromSeconds(3), Interval = TimeSpan.FromSeconds(15),
        };
        await using var session = new TargetProbeSession(target, TimeProvider.System);

        var cycle = await session.RunAsync(CancellationToken.None);
        await WaitForAsync(() => seen.Count >= listener.AcceptedCount && seen.Count >= 2);
        return (cycle, [.. seen.Order(StringComparer.Ordinal)], listener.AcceptedCount);
    }

    /// <summary>Reads what the client sends and names the connection: bare (nothing), ssl-request-only, or login.</summary>
    private static async Task ClassifyAsync(Socket socket, ConcurrentQueue<string> seen, CancellationToken stopping)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(Bound);
        var kind = "unfinished";
        try
        {
            var header = new byte[8];
            if (!await ReadExactlyOrEndAsync(socket, header, deadline.Token))
            {
                kind = "bare";
                return;
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(header);
            if (length == 8 && BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)) == SslRequestCode)
            {
                await socket.SendAsync(new[] { (byte)'N' }, SocketFlags.None, deadline.Token);
                var next = new byte[8];
                if (!await ReadExactlyOrEndAsync(socket, next, deadline.Token))
                {
                    kind = "ssl-request-only";
                    return;
                }
            }

            kind = "login";
            await socket.SendAsync(Rejection(), SocketFlags.None, deadline.Token);
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            kind = $"failed: {ex.GetType().Name}";
        }
        finally
        {
            seen.Enqueue(kind);
        }
    }

    /// <summary>True when the buffer was filled; false when the peer closed before sending anything.</summary>
    private static async Task<bool> ReadExactlyOrEndAsync(Socket socket, byte[] buffer, CancellationToken token)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, token);
            if (read == 0)
            {
                return filled > 0 ? throw new SocketException((int)SocketError.ConnectionReset) : false;
            }

            filled += read;
        }

        return true;
    }

    /// <summary>ErrorResponse 28000, as a server without a matching pg_hba.conf line answers a startup packet.</summary>
    private static byte[] Rejection()
    {
        var fields = new List<byte>();
        foreach (var (code, value) in new[] { ('S', "FATAL"), ('V', "FATAL"), ('C', "28000"), ('M', "no pg_hba.conf entry for host \"127.0.0.1\", user \"probe\", database \"postgres\", no encryption") })
        {
            fields.Add((byte)code);
            fields.AddRange(System.Text.Encoding.UTF8.GetBytes(value));
            fields.Add(0);
        }

        fields.Add(0);
        var message = new byte[5 + fields.Count];
        message[0] = (byte)'E';
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), 4 + fields.Count);
        fields.CopyTo(message, 5);
        return message;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(Bound);
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
        }
    }
}

using System.Net.Sockets;
using PgReachExporter.Classification;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes;

/// <summary>
/// Tells whether PostgreSQL answers on a port with a raw first exchange: PostgreSQL never speaks first, and it
/// answers an SSLRequest with exactly one byte, 'S' or 'N' (or an 'E' error from very old servers), then waits.
/// Used only when a login failed in a way the driver cannot explain.
/// </summary>
internal sealed class PostgresGreetingProbe(TimeProvider time)
{
    /// <summary>PostgreSQL's SSLRequest: length 8, then the code 80877103 (also the TLS probe's first message).</summary>
    internal static ReadOnlyMemory<byte> SslRequest { get; } = new byte[] { 0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F };

    // How long to listen for bytes a PostgreSQL server would never send.
    private static readonly TimeSpan QuietWindow = TimeSpan.FromMilliseconds(150);

    public async Task<GreetingResult> CheckAsync(string host, int port, TimeSpan timeout, CancellationToken stopping)
    {
        using var deadline = Deadline.After(timeout, time, stopping);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, deadline.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            var buffer = new byte[64];

            if (await ReadWithinAsync(stream, buffer, QuietWindow, deadline.Token).ConfigureAwait(false) is > 0)
            {
                return GreetingResult.OtherProtocol;
            }

            await stream.WriteAsync(SslRequest, deadline.Token).ConfigureAwait(false);
            var read = await stream.ReadAsync(buffer, deadline.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return GreetingResult.OtherProtocol;
            }

            if (read > 1 || buffer[0] is not ((byte)'S' or (byte)'N' or (byte)'E'))
            {
                return GreetingResult.OtherProtocol;
            }

            // An 'S' followed by more text is an SSH banner or similar, not PostgreSQL waiting for a TLS hello.
            return buffer[0] == (byte)'E' || await ReadWithinAsync(stream, buffer, QuietWindow, deadline.Token).ConfigureAwait(false) is not > 0
                ? GreetingResult.Postgres
                : GreetingResult.OtherProtocol;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return GreetingResult.Silent;
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return GreetingResult.Unavailable;
        }
    }

    /// <summary>Reads what arrives within the window; null when nothing does.</summary>
    private async Task<int?> ReadWithinAsync(NetworkStream stream, byte[] buffer, TimeSpan window, CancellationToken token)
    {
        using var quiet = Deadline.After(window, time, token);
        try
        {
            return await stream.ReadAsync(buffer, quiet.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return null;
        }
    }
}

/// <summary>What the raw greeting found on the port.</summary>
internal enum GreetingResult
{
    Postgres,
    OtherProtocol,
    Silent,
    Unavailable,
}

/// <summary>How a greeting refines a login failure the driver could not explain.</summary>
internal static class GreetingResults
{
    public static LoginResult Refine(this GreetingResult greeting, LoginResult fallback) => greeting switch
    {
        GreetingResult.OtherProtocol => LoginResult.NotPostgres,
        GreetingResult.Silent => LoginResult.Timeout,
        _ => fallback,
    };
}

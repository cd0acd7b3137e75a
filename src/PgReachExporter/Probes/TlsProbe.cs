using System.Collections.Immutable;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Npgsql;
using PgReachExporter.Classification;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes;

/// <summary>
/// What <c>openssl s_client -starttls postgres</c> would show, every cycle: an SSLRequest (or, where asked, PostgreSQL
/// 17's direct handshake) to the first address that accepted TCP, then a TLS handshake without authenticating, reading
/// the chain the server presents and judging it with the target's sslmode, root certificate and host name as libpq
/// would. It never sends a startup packet, so a server that accepts the handshake logs nothing. Never retried.
/// </summary>
internal sealed class TlsProbe(TargetDefinition target, TimeProvider time) : ITargetProbe
{
    public const string ProbeName = "tls";

    // After the handshake a TLS 1.3 server checks the client certificate and may still end the connection: listen this
    // long for that alert (a server that accepted us waits silently for the startup packet).
    private static readonly TimeSpan AfterHandshakeWindow = TimeSpan.FromMilliseconds(150);

    public string Name => ProbeName;

    public static bool AppliesTo(TargetDefinition target) => !target.IsUnixSocket && target.Tls.ProbesWith(target.SslMode);

    public async Task<IProbeOutcome> RunAsync(TransportSeen transport, CancellationToken stopping) =>
        new ProbeOutcome<TlsObservation>(Name, await ProbeAsync(transport, stopping).ConfigureAwait(false));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<TlsObservation> ProbeAsync(TransportSeen transport, CancellationToken stopping)
    {
        if (transport.FirstOpen is not { } open || !IPAddress.TryParse(open.Address, out var address))
        {
            return TlsObservation.NotAttempted("no address accepted TCP this cycle");
        }

        var direct = target.Tls.DirectHandshake;
        using var deadline = Deadline.After(target.ConnectTimeout, time, stopping);
        // The TCP probe's connection to this address when it kept one: a dial saved per cycle.
        using var socket = transport.Held?.Take() ?? new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        var shown = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{target.Port}" : $"{address}:{target.Port}";
        TlsObservation Failed(TlsProbeResult result, string problem, TimeSpan handshake = default) =>
            new(result, shown, handshake, null, null, [], null, direct, problem);

        if (!socket.Connected)
        {
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, target.Port), deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                return Failed(TlsProbeResult.Timeout, $"TCP did not connect within {DurationParser.Format(target.ConnectTimeout)}");
            }
            catch (SocketException ex)
            {
                return Failed(TlsProbeResult.ConnectionFailed, $"TCP connect failed: {ex.SocketErrorCode}");
            }
        }

        await using var network = new NetworkStream(socket, ownsSocket: false);
        var started = time.GetTimestamp();
        try
        {
            if (!direct && await NegotiateAsync(network, deadline.Token).ConfigureAwait(false) is { } refused)
            {
                return Failed(refused.Result, refused.Problem);
            }

            using var presented = new PresentedChain();
            await using var tls = new SslStream(network, leaveInnerStreamOpen: true, presented.Capture);
            using var clientCertificate = LoadClientCertificate();
            await tls.AuthenticateAsClientAsync(Options(clientCertificate, direct), deadline.Token).ConfigureAwait(false);
            var handshake = time.GetElapsedTime(started);
            if (await ReadAlertAsync(tls, deadline.Token).ConfigureAwait(false) is { } afterwards)
            {
                return Failed(Classify(afterwards), Describe(afterwards), handshake);
            }

            var chain = presented.Certificates;
            var observation = new TlsObservation(
                TlsProbeResult.Handshake, shown, handshake, ProtocolName(tls.SslProtocol), tls.NegotiatedCipherSuite.ToString(),
                [.. chain.Select(TlsChainJudge.Summarise)], TlsChainJudge.Judge(target, chain, time.GetUtcNow()), direct, null);
            await CloseAsync(tls).ConfigureAwait(false);
            return observation;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return Failed(TlsProbeResult.Timeout, $"no TLS answer within {DurationParser.Format(target.ConnectTimeout)}", time.GetElapsedTime(started));
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or CryptographicException)
        {
            return Failed(Classify(ex), Describe(ex), time.GetElapsedTime(started));
        }
    }

    /// <summary>The SSLRequest exchange; null when the server said 'S' (go on with the handshake).</summary>
    private static async Task<(TlsProbeResult Result, string Problem)?> NegotiateAsync(NetworkStream stream, CancellationToken token)
    {
        await stream.WriteAsync(PostgresGreetingProbe.SslRequest, token).ConfigureAwait(false);
        var answer = new byte[1];
        var read = await stream.ReadAsync(answer, token).ConfigureAwait(false);
        return read == 0 ? (TlsProbeResult.ConnectionFailed, "the server closed the connection after the SSLRequest")
            : answer[0] switch
            {
                (byte)'S' => null,
                (byte)'N' => (TlsProbeResult.ServerRefused, "the server answered the SSLRequest with 'N': ssl = off"),
                (byte)'E' => (TlsProbeResult.HandshakeFailed, "the server answered the SSLRequest with an error message"),
                _ => (TlsProbeResult.HandshakeFailed, $"the server answered the SSLRequest with byte 0x{answer[0]:X2}, not PostgreSQL's 'S' or 'N'"),
            };
    }

    private SslClientAuthenticationOptions Options(X509Certificate2? clientCertificate, bool direct) => new()
    {
        // libpq sends SNI for host names only, never for an IP address.
        TargetHost = IPAddress.TryParse(target.Host, out _) ? "" : target.Host,
        // libpq's ssl_min_protocol_version (TLSv1.2 by default) to ssl_max_protocol_version (by default the newest).
        EnabledSslProtocols = TlsClientProtocols.Enabled(target.Tls),
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        ClientCertificates = clientCertificate is null ? null : [clientCertificate],
        ApplicationProtocols = direct ? [new SslApplicationProtocol("postgresql"u8.ToArray())] : null,
    };

    private X509Certificate2? LoadClientCertificate() =>
        target.Tls is { Cert: { } cert, Key: { } key } ? X509Certificate2.CreateFromPemFile(cert, key) : null;

    /// <summary>An alert the server sends after the handshake (a TLS 1.3 client certificate it refuses); null when it waits quietly.</summary>
    private async Task<Exception?> ReadAlertAsync(SslStream tls, CancellationToken token)
    {
        using var window = Deadline.After(AfterHandshakeWindow, time, token);
        try
        {
            var read = await tls.ReadAsync(new byte[1], window.Token).ConfigureAwait(false);
            return read == 0 ? new IOException("the server closed the connection right after the handshake") : null;
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            return ex;
        }
    }

    private static async Task CloseAsync(SslStream tls)
    {
        try
        {
            await tls.ShutdownAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The observation is made; a close that fails changes nothing about it.
        }
    }

    private static TlsProbeResult Classify(Exception ex) => TlsFailureText.Classify(Describe(ex));

    private static string Describe(Exception ex) => TlsFailureText.Describe(ex);

    private static string ProtocolName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
#pragma warning disable SYSLIB0039 // Older versions are only named, never offered.
        SslProtocols.Tls11 => "TLSv1.1",
        SslProtocols.Tls => "TLSv1",
#pragma warning restore SYSLIB0039
        _ => protocol.ToString(),
    };

    /// <summary>The certificates the server presented in its handshake, leaf first, copied out of the validation callback.</summary>
    private sealed class PresentedChain : IDisposable
    {
        private readonly List<X509Certificate2> _certificates = [];

        public void Dispose()
        {
            foreach (var certificate in _certificates)
            {
                certificate.Dispose();
            }
        }

        public IReadOnlyList<X509Certificate2> Certificates => _certificates;

        // The probe judges the chain itself after the handshake; accepting here is what lets it see a bad one.
        public bool Capture(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (certificate is null || _certificates.Count > 0)
            {
                return true;
            }

            _certificates.Add(new X509Certificate2(certificate));
            foreach (var extra in chain?.ChainPolicy.ExtraStore ?? [])
            {
                if (!string.Equals(extra.Thumbprint, _certificates[0].Thumbprint, StringComparison.Ordinal))
                {
                    _certificates.Add(new X509Certificate2(extra));
                }
            }

            return true;
        }
    }
}

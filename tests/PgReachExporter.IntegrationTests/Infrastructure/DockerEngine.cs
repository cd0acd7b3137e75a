using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>Answers, within about two seconds and never hanging, whether a Docker engine responds to /_ping.</summary>
internal static class DockerEngine
{
    private const string DefaultSocket = "/var/run/docker.sock";
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public static async Task<bool> AnswersAsync(CancellationToken cancellationToken = default)
    {
        var endPoint = EngineEndPoint();
        if (endPoint is null)
        {
            return false;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ProbeTimeout);
        try
        {
            using var socket = endPoint is UnixDomainSocketEndPoint
                ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(endPoint, deadline.Token).ConfigureAwait(false);
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"), SocketFlags.None, deadline.Token)
                .ConfigureAwait(false);
            var buffer = new byte[256];
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token).ConfigureAwait(false);
            return Encoding.ASCII.GetString(buffer, 0, read).Contains(" 200 ", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    /// <summary>DOCKER_HOST (unix:// or tcp://) or the default socket; null when there is obviously nothing to ask.</summary>
    private static EndPoint? EngineEndPoint()
    {
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (string.IsNullOrEmpty(dockerHost))
        {
            return File.Exists(DefaultSocket) ? new UnixDomainSocketEndPoint(DefaultSocket) : null;
        }

        if (!Uri.TryCreate(dockerHost, UriKind.Absolute, out var uri))
        {
            return null;
        }

        return uri.Scheme switch
        {
            "unix" when File.Exists(uri.AbsolutePath) => new UnixDomainSocketEndPoint(uri.AbsolutePath),
            "tcp" => new DnsEndPoint(uri.Host, uri.Port),
            _ => null,
        };
    }
}

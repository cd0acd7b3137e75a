using System.Text;

namespace PgReachExporter.IntegrationTests.Infrastructure;

/// <summary>How a <see cref="ForeignProtocolListener"/> behaves: what it says on connect and in answer to the first bytes.</summary>
/// <param name="Name">For messages, e.g. "ssh".</param>
/// <param name="Greeting">Sent as soon as a connection is accepted; may be empty.</param>
/// <param name="Reply">Sent after the first bytes arrive from the client; may be empty.</param>
/// <param name="CloseAfterReply">Whether the connection is closed once the reply is sent.</param>
public sealed record ForeignProtocol(string Name, byte[] Greeting, byte[] Reply, bool CloseAfterReply)
{
    /// <summary>Like OpenSSH: a banner on connect, then a complaint about the client's garbage and a close.</summary>
    public static ForeignProtocol Ssh { get; } = new(
        "ssh",
        Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2\r\n"),
        Encoding.ASCII.GetBytes("Invalid SSH identification string.\r\n"),
        CloseAfterReply: true);

    /// <summary>Like an HTTP server: silent on connect, a 400 to a PostgreSQL startup packet, then a close.</summary>
    public static ForeignProtocol Http { get; } = new(
        "http",
        [],
        Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request"),
        CloseAfterReply: true);
}

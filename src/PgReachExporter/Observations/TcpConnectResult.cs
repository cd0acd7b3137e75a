namespace PgReachExporter.Observations;

/// <summary>What a TCP connect attempt to one address ended in.</summary>
public enum TcpConnectResult
{
    /// <summary>The handshake completed: something listens there.</summary>
    Open,

    /// <summary>The host answered with a reset: nothing listens on that address and port.</summary>
    Refused,

    /// <summary>No answer before the deadline: the SYN (or its answer) was dropped on the way.</summary>
    Timeout,

    /// <summary>The network or host is unreachable, or a firewall rejected with an ICMP error.</summary>
    Unreachable,

    /// <summary>The host name did not resolve, so there was no address to try.</summary>
    DnsError,

    /// <summary>Any other failure.</summary>
    Error,
}

/// <summary>The label values of <see cref="TcpConnectResult"/>, in one place.</summary>
internal static class TcpConnectResults
{
    public static readonly TcpConnectResult[] All = Enum.GetValues<TcpConnectResult>();

    public static string Label(this TcpConnectResult result) => result switch
    {
        TcpConnectResult.Open => "open",
        TcpConnectResult.Refused => "refused",
        TcpConnectResult.Timeout => "timeout",
        TcpConnectResult.Unreachable => "unreachable",
        TcpConnectResult.DnsError => "dns_error",
        _ => "error",
    };
}

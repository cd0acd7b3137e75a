using System.Collections.Immutable;
using System.Net;
using PgReachExporter.Classification;

namespace PgReachExporter.Observations;

/// <summary>The outcome of resolving a target's host name.</summary>
internal enum DnsLookupResult
{
    Ok,
    NotFound,
    Timeout,
    Error,
}

/// <summary>What resolving the target's host gave: every address, A and AAAA.</summary>
internal sealed record DnsObservation(DnsLookupResult Result, ImmutableArray<IPAddress> Addresses, TimeSpan Duration, string? Problem)
{
    public bool Resolved => Result == DnsLookupResult.Ok && Addresses.Length > 0;
}

/// <summary>One TCP connect attempt to one address.</summary>
internal sealed record TcpObservation(string Address, string Family, TcpConnectResult Result, TimeSpan Duration, string? Problem);

/// <summary>One login attempt: a fresh, unpooled connection through startup and authentication.</summary>
internal sealed record LoginObservation(LoginResult Result, TimeSpan Duration, string? SqlState, string? Problem, Version? ServerVersion)
{
    public bool Succeeded => Result == LoginResult.Ok;
}

/// <summary>Everything one probe cycle of a target saw.</summary>
internal sealed record TargetCycle(
    string Target,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    DnsObservation Dns,
    ImmutableArray<TcpObservation> Tcp,
    LoginObservation Login,
    bool Overran)
{
    /// <summary>TCP reached at least one address and the login succeeded.</summary>
    public bool Up => Tcp.Any(t => t.Result == TcpConnectResult.Open) && Login.Succeeded;
}

/// <summary>Address family label values.</summary>
internal static class AddressFamilies
{
    public const string IPv4 = "ipv4";
    public const string IPv6 = "ipv6";
    public const string Unix = "unix";

    public static string Of(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !address.IsIPv4MappedToIPv6 ? IPv6 : IPv4;
}

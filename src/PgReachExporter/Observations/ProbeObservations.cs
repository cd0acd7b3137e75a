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
internal sealed record TcpObservation(string Address, string Family, TcpConnectResult Result, TimeSpan Duration, string? Problem)
{
    /// <summary>The address the connection came from, as the server saw it (without NAT); null unless it connected.</summary>
    public string? LocalAddress { get; init; }
}

/// <summary>One login attempt: a fresh, unpooled connection through startup and authentication.</summary>
internal sealed record LoginObservation(LoginResult Result, TimeSpan Duration, string? SqlState, string? Problem, Version? ServerVersion)
{
    /// <summary>
    /// The login of a cycle in which every address refused its TCP connect (within the login's grace, or after a cycle
    /// that ended the same way): not made, since the refusal already answers it, and reported as refused.
    /// </summary>
    public static LoginObservation NotAttemptedEveryAddressRefused { get; } =
        new(LoginResult.Refused, TimeSpan.Zero, null, "login not attempted: every address refused the TCP connect in this cycle", null) { Skipped = true };

    /// <summary>
    /// The login of a cycle in which every address timed out its TCP connect, after a cycle in which they all did and
    /// the login made beside them timed out too: not made, since it would wait out the same timeout, and reported as a
    /// timeout.
    /// </summary>
    public static LoginObservation NotAttemptedEveryAddressTimedOut { get; } =
        new(LoginResult.Timeout, TimeSpan.Zero, null, "login not attempted: every address timed out the TCP connect in this cycle, as in the last, whose login timed out too", null) { Skipped = true };

    public bool Succeeded => Result == LoginResult.Ok;

    /// <summary>True when no login was made this cycle; <see cref="Result"/> is then what the transport step showed.</summary>
    public bool Skipped { get; init; }
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

    /// <summary>What the registered probes beyond DNS, TCP and login saw this cycle (<c>Probes/ProbeRegistry.cs</c>).</summary>
    public ImmutableArray<IProbeOutcome> Probes { get; init; } = [];

    /// <summary>The observation of the registered probe that produces <typeparamref name="T"/>, when it ran.</summary>
    public T? Find<T>() where T : class =>
        Probes.OfType<ProbeOutcome<T>>().FirstOrDefault()?.Observation;
}

/// <summary>The outcome of one registered probe in a cycle: its name and its observation.</summary>
internal interface IProbeOutcome
{
    string Probe { get; }
}

/// <summary>A registered probe's typed observation; read through <see cref="TargetCycle.Find{T}"/>.</summary>
internal sealed record ProbeOutcome<T>(string Probe, T Observation) : IProbeOutcome where T : class;

/// <summary>
/// A registered probe that threw (a bug: probes report expected failures as data). The rest of the cycle stands; the
/// pipeline logs and counts it under its probe stage.
/// </summary>
internal sealed record ProbeFailed(string Probe, Exception Error) : IProbeOutcome;

/// <summary>Address family label values.</summary>
internal static class AddressFamilies
{
    public const string IPv4 = "ipv4";
    public const string IPv6 = "ipv6";
    public const string Unix = "unix";

    public static string Of(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !address.IsIPv4MappedToIPv6 ? IPv6 : IPv4;
}

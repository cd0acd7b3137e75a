using System.Collections.Immutable;
using System.Net;
using PgReachExporter.Classification;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.Tests.Diagnosis;

/// <summary>A minimal set of observations for one target, changed with 'with' and diagnosed.</summary>
internal sealed record Scenario
{
    public static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    public const string Password = "Sekr3t-diag-9f1c";

    public TargetDefinition Target { get; init; } = new()
    {
        Name = "orders",
        Host = "db1.example",
        Port = 5432,
        Database = "orders",
        Username = "app",
        Password = new LiteralPassword(Password),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        Interval = TimeSpan.FromSeconds(15),
    };

    /// <summary>Null: resolved to the addresses of <see cref="Tcp"/>.</summary>
    public DnsObservation? Dns { get; init; }

    public ImmutableArray<TcpObservation> Tcp { get; init; } = [Open("10.0.0.5")];
    public LoginObservation Login { get; init; } = LoginOk();
    public DateTimeOffset StartedAt { get; init; } = Now;
    public ServerEvidence? Server { get; init; }
    public HostEvidence? Host { get; init; }
    public TargetExpectations? Expectations { get; init; }

    /// <summary>What the TLS probe saw; null: it did not run.</summary>
    public TlsObservation? Tls { get; init; }

    public static Scenario Healthy => new();

    public Scenario WithTcp(params TcpObservation[] tcp) => this with { Tcp = [.. tcp] };

    public Scenario WithLogin(LoginResult result, string? problem = null) => this with { Login = Failed(result, problem) };

    public TargetCycle Cycle => new(
        Target.Name,
        StartedAt,
        TimeSpan.FromMilliseconds(20),
        Dns ?? new DnsObservation(DnsLookupResult.Ok, [.. Tcp.Where(t => t.Family != AddressFamilies.Unix).Select(t => IPAddress.Parse(t.Address))], TimeSpan.FromMilliseconds(1), null),
        Tcp,
        Login,
        Overran: false)
    {
        Probes = Tls is null ? [] : [new ProbeOutcome<TlsObservation>("tls", Tls)],
    };

    public DiagnosisInput Input => new(Target, Cycle, Server, Host, Expectations);

    public Verdict Diagnose() => DiagnosisEngine.Diagnose(Input);

    public static TcpObservation Open(string address) => new(address, Family(address), TcpConnectResult.Open, TimeSpan.FromMilliseconds(0.4), null);

    public static TcpObservation Refused(string address) =>
        new(address, Family(address), TcpConnectResult.Refused, TimeSpan.FromMilliseconds(0.3), "ConnectionRefused");

    public static TcpObservation Timeout(string address) =>
        new(address, Family(address), TcpConnectResult.Timeout, TimeSpan.FromSeconds(5), "no answer within 5s");

    public static TcpObservation Unreachable(string address) =>
        new(address, Family(address), TcpConnectResult.Unreachable, TimeSpan.FromMilliseconds(1.2), "HostUnreachable");

    public static LoginObservation LoginOk(int major = 16) =>
        new(LoginResult.Ok, TimeSpan.FromMilliseconds(12), null, null, new Version(major, 2));

    public static LoginObservation Failed(LoginResult result, string? problem = null) =>
        new(result, TimeSpan.FromMilliseconds(8), null, problem ?? $"login failed: {result}", null);

    public static ServerEvidence ServerSays(string listenAddresses = "*", int port = 5432) =>
        new() { CollectedAt = Now.AddSeconds(-5), ListenAddresses = listenAddresses, Port = port };

    public static HostEvidence HostShows(params HostSocket[] sockets) =>
        new() { CollectedAt = Now.AddSeconds(-2), SocketTable = [.. sockets] };

    public static HostEvidence HostLog() => new() { CollectedAt = Now.AddSeconds(-2) };

    private static string Family(string address) =>
        address.StartsWith('/') ? AddressFamilies.Unix : address.Contains(':') ? AddressFamilies.IPv6 : AddressFamilies.IPv4;
}

/// <summary>Assertions on verdicts, stated in causes.</summary>
internal static class VerdictAssert
{
    public static void Causes(Verdict verdict, params DiagnosisCause[] expected) =>
        Assert.Equal(expected, verdict.Findings.Select(f => f.Cause).ToArray());

    public static Finding Single(Verdict verdict, DiagnosisCause cause) => Assert.Single(verdict.Findings, f => f.Cause == cause);

    public static void HasEvidence(Verdict verdict, DiagnosisCause cause, string fragment)
    {
        var finding = Single(verdict, cause);
        Assert.True(finding.Evidence.Any(e => e.Contains(fragment, StringComparison.Ordinal)),
            $"no evidence of {cause} contains '{fragment}'; evidence: {string.Join(" | ", finding.Evidence)}");
    }
}

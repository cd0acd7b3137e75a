using System.Net;
using System.Net.Sockets;
using PgReachExporter.Classification;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.Diagnosis;

/// <summary>
/// The listener and the path: reads every TCP attempt and explains each failed one. A refusal means nothing is bound
/// on that address and port, unless the server listens there, in which case something on the path answered instead;
/// no answer at all means the SYN was dropped.
/// </summary>
internal static class TransportRules
{
    public static void Apply(DiagnosisContext context, FindingSet found)
    {
        if (!context.Target.IsUnixSocket && !context.Cycle.Dns.Resolved)
        {
            found.Add(DiagnosisCause.DnsFailure, Severity.Critical, EvidenceText.Dns(context.Cycle.Dns, context.Target.Host));
        }

        foreach (var tcp in context.Cycle.Tcp)
        {
            Explain(context, tcp, found);
        }

        ApplyServerPort(context, found);
        ApplyBindFailures(context, found);
    }

    private static void Explain(DiagnosisContext context, TcpObservation tcp, FindingSet found)
    {
        var severity = context.PathSeverity;
        var fact = context.Tcp(tcp);
        switch (tcp.Result)
        {
            case TcpConnectResult.Open:
                return;
            case TcpConnectResult.Timeout:
                found.Add(DiagnosisCause.FirewallDrop, severity, fact);
                return;
            case TcpConnectResult.Refused:
                ExplainRefused(context, tcp, found, severity, fact);
                return;
            case TcpConnectResult.DnsError:
                found.Add(DiagnosisCause.DnsFailure, severity, fact);
                return;
            default:
                // Unreachable: an ICMP error, which a REJECT rule produces too; only a known listener tells them apart.
                var listening = IPAddress.TryParse(tcp.Address, out var address) && context.Listeners?.Covers(address) == true;
                found.Add(listening ? DiagnosisCause.FirewallReject : DiagnosisCause.NetworkUnreachable, severity,
                    [fact, .. listening ? context.Listeners!.Evidence : []]);
                return;
        }
    }

    private static void ExplainRefused(DiagnosisContext context, TcpObservation tcp, FindingSet found, Severity severity, string fact)
    {
        var view = context.Listeners;
        if (!IPAddress.TryParse(tcp.Address, out var address))
        {
            // A Unix socket: no file means no server on that port in that directory.
            found.Add(ServerReportsOtherPort(context) ? DiagnosisCause.WrongPort : DiagnosisCause.ListenerDown, severity, fact);
            return;
        }

        if (view is not null)
        {
            var cause = view switch
            {
                _ when view.Covers(address) => DiagnosisCause.FirewallReject,
                { OnPort.IsEmpty: true, Complete: true } => view.Elsewhere.IsEmpty ? DiagnosisCause.ListenerDown : DiagnosisCause.WrongPort,
                { Complete: true } when IsIpv6(address) && !view.OnPort.Any(b => b.IsIpv6) => DiagnosisCause.Ipv6NotListening,
                { Complete: true } when view.OnPort.All(b => b.IsLoopback) => DiagnosisCause.ListenLocalhostOnly,
                { Complete: true } => DiagnosisCause.ListenAddressExcluded,
                _ => (DiagnosisCause?)null,
            };
            if (cause is { } known)
            {
                // Nothing bound because the postmaster could not bind at its last start: that is the cause to fix.
                found.Add(known == DiagnosisCause.ListenerDown && BindFailedAtStart(context) ? DiagnosisCause.BindFailure : known,
                    severity, [fact, .. view.Evidence]);
                return;
            }
        }

        // Without a view of the listener, reason from the other attempts of the same cycle.
        var otherOpen = context.Cycle.Tcp.Where(t => t != tcp && t.Result == TcpConnectResult.Open).ToList();
        if (ServerReportsOtherPort(context))
        {
            found.Add(DiagnosisCause.WrongPort, severity, fact, $"server: port = {context.Server!.Port}");
        }
        else if (IsIpv6(address) && (context.Host?.CouldNotBindIpv6 == true || otherOpen.Any(t => t.Family == AddressFamilies.IPv4)))
        {
            found.Add(DiagnosisCause.Ipv6NotListening, severity, [fact, .. otherOpen.Select(context.Tcp)]);
        }
        else if (otherOpen.Count > 0)
        {
            found.Add(DiagnosisCause.ListenAddressExcluded, severity, [fact, .. otherOpen.Select(context.Tcp)]);
        }
        else
        {
            found.Add(BindFailedAtStart(context) ? DiagnosisCause.BindFailure : DiagnosisCause.ListenerDown, severity, fact);
        }
    }

    /// <summary>The log shows IPv4 bind failures or no listen socket at the current postmaster's start.</summary>
    private static bool BindFailedAtStart(DiagnosisContext context) => context.Host is { } host
        && (host.Count(HostLogEvents.NoListenSocket) > 0 || host.BindFailures.Any(f => f.Family != AddressFamilies.IPv6));

    /// <summary>The server reports a port other than the expected one, whatever TCP says.</summary>
    private static void ApplyServerPort(DiagnosisContext context, FindingSet found)
    {
        if (context.Server?.Port is { } port && port != context.ExpectedPort)
        {
            found.Add(DiagnosisCause.WrongPort, context.AnyTcpOpen ? Severity.Warning : Severity.Critical,
                $"server: port = {port}, expected {context.ExpectedPort}");
        }
    }

    private static bool ServerReportsOtherPort(DiagnosisContext context) => context.Server?.Port is { } port && port != context.Target.Port;

    /// <summary>"could not bind" and "could not create listen socket" lines since the last start.</summary>
    private static void ApplyBindFailures(DiagnosisContext context, FindingSet found)
    {
        if (context.Host is not { } host)
        {
            return;
        }

        var severity = context.AnyTcpOpen ? Severity.Warning : Severity.Critical;
        var ipv6Failures = host.BindFailures.Where(f => f.Family == AddressFamilies.IPv6).ToList();
        if (host.CouldNotBindIpv6 || ipv6Failures.Count > 0)
        {
            found.Add(DiagnosisCause.Ipv6NotListening, Severity.Warning,
                ipv6Failures.Count > 0 ? ipv6Failures.Select(Describe) : ["server log: could not bind an IPv6 address at the last start"]);
        }

        var binds = host.Count(HostLogEvents.CouldNotBind);
        var sockets = host.Count(HostLogEvents.NoListenSocket);
        var ipv6Explained = Math.Max(ipv6Failures.Count, host.CouldNotBindIpv6 ? 1 : 0);
        var otherFailures = host.BindFailures.Where(f => f.Family != AddressFamilies.IPv6).ToList();
        if (otherFailures.Count == 0 && binds <= ipv6Explained && sockets == 0)
        {
            return;
        }

        var evidence = new List<string>();
        if (binds > 0)
        {
            evidence.Add($"server log: {binds} \"could not bind\" since the last start{LastAt(host, HostLogEvents.CouldNotBind)}");
        }

        evidence.AddRange(otherFailures.Select(Describe));
        if (sockets > 0)
        {
            evidence.Add($"server log: {sockets} \"could not create listen socket\" since the last start{LastAt(host, HostLogEvents.NoListenSocket)}");
        }

        found.Add(DiagnosisCause.BindFailure, severity, evidence);
    }

    private static string Describe(LogBindFailure failure) =>
        $"server log: could not bind {failure.Family} address {failure.Address ?? "(unnamed)"}{(failure.Reason is null ? "" : $": {failure.Reason}")}";

    private static string LastAt(HostEvidence host, string logEvent) =>
        host.LastEventTimes.TryGetValue(logEvent, out var at) ? $", last at {EvidenceText.Time(at)}" : "";

    private static bool IsIpv6(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 && !address.IsIPv4MappedToIPv6;
}

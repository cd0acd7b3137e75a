using System.Collections.Concurrent;
using System.Collections.Immutable;
using PgReachExporter.Classification;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;
using PgReachExporter.Probes;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Metrics;

/// <summary>Writes each completed cycle into the metric families; /metrics then only serialises.</summary>
internal sealed class ProbeMetricsWriter(ReachMetrics metrics) : ICycleOutput
{
    // The (address, family) pairs last written per target, so addresses that stop resolving lose their series.
    private readonly ConcurrentDictionary<string, HashSet<(string Address, string Family)>> _addresses = new(StringComparer.Ordinal);

    // The pgreach_tls_info label set last written per target, so a changed handshake replaces exactly that series
    // (without scanning the family, which holds every target's).
    private readonly ConcurrentDictionary<string, string[]> _tlsInfo = new(StringComparer.Ordinal);

    public void TargetAdded(TargetDefinition target)
    {
        var name = target.Name;
        // TCP counters start at 0 for every result, so the timeout-rate alert's rate() works from the first scrape.
        // Login counters appear with their first probe of a result: 20 zero series per target would cost a third
        // of the exposition at 1,000 targets, and the one-hot pgreach_login_result already shows every value.
        // The lean profile starts only the timeout series at 0 (the timeout rate's numerator); the others appear with
        // their first probe, and so does the overrun counter.
        if (metrics.Profile == SeriesProfile.Lean)
        {
            metrics.TcpProbes.Touch(TcpConnectResult.Timeout, name);
        }
        else
        {
            metrics.TcpProbes.Touch(name);
            metrics.Overruns.WithLabels(name).Inc(0);
        }

        metrics.Up.WithLabels(name).Set(0);
    }

    public void CycleCompleted(CycleRecord record)
    {
        var (name, cycle) = (record.Target.Name, record.Cycle);
        WriteDns(name, cycle.Dns);
        WriteTcp(name, cycle);
        WriteLogin(name, cycle.Login);
        if (cycle.Find<TlsObservation>() is { } tls)
        {
            WriteTls(name, tls);
        }

        metrics.Up.WithLabels(name).Set(cycle.Up ? 1 : 0);
        metrics.LastProbeTimestamp.WithLabels(name).Set(cycle.StartedAt.ToUnixTimeMilliseconds() / 1000.0);
        metrics.CycleDuration?.WithLabels(name).Set(cycle.Duration.TotalSeconds);
        if (cycle.Overran)
        {
            metrics.Overruns.WithLabels(name).Inc();
        }
    }

    public void TargetRemoved(string target)
    {
        _addresses.TryRemove(target, out _);
        _tlsInfo.TryRemove(target, out _);
        metrics.RemoveTarget(target);
    }

    private void WriteDns(string name, DnsObservation dns)
    {
        if (metrics.DnsAddresses is { } addresses)
        {
            addresses.WithLabels(name, AddressFamilies.IPv4).Set(dns.Addresses.Count(a => AddressFamilies.Of(a) == AddressFamilies.IPv4));
            addresses.WithLabels(name, AddressFamilies.IPv6).Set(dns.Addresses.Count(a => AddressFamilies.Of(a) == AddressFamilies.IPv6));
        }

        metrics.DnsLookupDuration?.WithLabels(name).Set(dns.Duration.TotalSeconds);
    }

    private void WriteTcp(string name, TargetCycle cycle)
    {
        // A name that does not resolve has no address to report on: one series without address carries dns_error.
        var observations = cycle.Dns.Resolved || cycle.Tcp.Length > 0
            ? cycle.Tcp
            : [new TcpObservation("", "", TcpConnectResult.DnsError, cycle.Dns.Duration, cycle.Dns.Problem)];

        var previous = _addresses.GetValueOrDefault(name);
        // Most cycles probe the addresses of the one before: the set is kept, not built again.
        if (previous is null || !SameAddresses(previous, observations))
        {
            var current = observations.Select(o => (o.Address, o.Family)).ToHashSet();
            foreach (var (address, family) in previous?.Except(current) ?? [])
            {
                metrics.TcpConnectResult.RemoveWhere(name, l => l[1] == address && l[2] == family);
                metrics.TcpConnectDuration?.RemoveWhere(name, l => l[1] == address && l[2] == family);
            }

            _addresses[name] = current;
        }

        foreach (var tcp in observations)
        {
            metrics.TcpConnectResult.Set(tcp.Result, name, tcp.Address, tcp.Family);
            metrics.TcpConnectDuration?.WithLabels(name, tcp.Address, tcp.Family).Set(tcp.Duration.TotalSeconds);
            metrics.TcpProbes.Inc(tcp.Result, name);
        }
    }

    private static bool SameAddresses(HashSet<(string Address, string Family)> previous, ImmutableArray<TcpObservation> observations)
    {
        if (previous.Count != observations.Length)
        {
            return false;
        }

        foreach (var tcp in observations)
        {
            if (!previous.Contains((tcp.Address, tcp.Family)))
            {
                return false;
            }
        }

        return true;
    }

    private void WriteTls(string name, TlsObservation tls)
    {
        if (tls.Result == TlsProbeResult.NotAttempted)
        {
            // Nothing was tried this cycle: the last handshake's figures would pass for fresh ones.
            metrics.TlsHandshakeDuration?.RemoveLabelled(name);
            return;
        }

        metrics.TlsHandshakeDuration?.WithLabels(name).Set(tls.HandshakeDuration.TotalSeconds);
        if (tls.Result == TlsProbeResult.ServerRefused)
        {
            // ssl = off: the server has no certificate to watch any more.
            metrics.TlsCertificateExpiry.RemoveLabelled(name);
            if (_tlsInfo.TryRemove(name, out var gone))
            {
                metrics.TlsInfo.RemoveLabelled(gone);
            }

            return;
        }

        if (tls.Result != TlsProbeResult.Handshake || tls.Leaf is not { } leaf)
        {
            // The certificate and version figures stay those of the last completed handshake; the verdict says what failed.
            return;
        }

        metrics.TlsCertificateExpiry.WithLabels(name).Set(tls.EarliestExpiry!.Value.ToUnixTimeSeconds());
        string[] info = [name, tls.Protocol ?? "", tls.Cipher ?? "", leaf.Subject, leaf.Issuer];
        if (_tlsInfo.TryGetValue(name, out var previous) && !previous.AsSpan().SequenceEqual(info))
        {
            metrics.TlsInfo.RemoveLabelled(previous);
        }

        _tlsInfo[name] = info;
        metrics.TlsInfo.WithLabels(info).Set(1);
    }

    private void WriteLogin(string name, LoginObservation login)
    {
        metrics.LoginResult.Set(login.Result, name);
        if (login.Skipped)
        {
            // No attempt was made: the attempt counter and the last attempt's duration stay as they were.
            metrics.LoginAttemptsSkipped.WithLabels(login.Result.Label()).Inc();
            return;
        }

        metrics.LoginDuration?.WithLabels(name).Set(login.Duration.TotalSeconds);
        metrics.LoginProbes?.Inc(login.Result, name);
        if (login.ServerVersion is { } version)
        {
            metrics.LoginServerVersion?.WithLabels(name).Set((version.Major * 10000) + Math.Max(0, version.Minor));
        }
    }
}

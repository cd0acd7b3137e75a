using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.Scheduling;

/// <summary>
/// Runs one probe cycle of one target: DNS then a TCP connect to every address, and in parallel a login; after the
/// transport step, the registered probes (<see cref="ProbeRegistry"/>) on what it found, still alongside the login.
/// The login starts once the TCP connects have answered, or after a short grace (<see cref="LoginGrace"/>) beside
/// those still pending; when every address refused, no login is made (it would be one more refused connect). After a
/// cycle in which every address refused, or every address timed out and so did the login made beside them, the
/// transport step goes first and the login is made only when the transport step no longer shows the same (a
/// black-holed target then costs one connect per cycle, not two; such a cycle can last up to two connect timeouts
/// when an address starts answering late in it, since its login then has its own whole timeout). The TLS probe goes
/// on over the TCP probe's own connection to the first address that accepted (one dial fewer per cycle). The session owns the per-target probe resources; the caller owns the schedule.
/// </summary>
internal sealed class TargetProbeSession : IAsyncDisposable
{
    private readonly TargetDefinition _target;
    private readonly DnsProbe _dns;
    private readonly TcpConnectProbe _tcp;
    private readonly LoginProbe _login;
    private readonly IReadOnlyList<ITargetProbe> _probes;
    private readonly TimeProvider _time;
    private readonly DnsObservation? _resolved;

    // How long a cycle waits for its TCP connects before it starts the login beside them: a refusal from a nearby
    // host answers well within it, and then no login is made at all (no Npgsql data source is built for a port that
    // was never open either). A connect still pending after it (a slow path, a black hole) has the login alongside.
    internal static readonly TimeSpan LoginGrace = TimeSpan.FromMilliseconds(20);

    // The last cycle's addresses all refused, or all timed out, and its login ended the same way: a login now, beside
    // a transport step that shows the same again, would be a second refused connect or a second wait for the timeout.
    private bool _transportFirst;

    /// <param name="resolved">
    /// The host's resolution, done and checked by the caller (/probe): the cycle dials exactly these addresses, TCP
    /// and login alike, and never resolves the name again; when it failed, nothing is dialled.
    /// </param>
    public TargetProbeSession(TargetDefinition target, TimeProvider time, DnsObservation? resolved = null)
    {
        _target = target;
        _time = time;
        _resolved = resolved;
        _dns = new DnsProbe(time);
        _tcp = new TcpConnectProbe(time);
        _login = new LoginProbe(target, time, new PostgresGreetingProbe(time), resolved?.Addresses);
        _probes = ProbeRegistry.For(target, time);
    }

    public async Task<TargetCycle> RunAsync(CancellationToken stopping)
    {
        var startedAt = _time.GetUtcNow();
        var started = _time.GetTimestamp();
        var transportStep = ProbeTransportAsync(stopping);
        Task<LoginObservation>? login = null;
        if (!_transportFirst && !await AnsweredWithinAsync(transportStep, LoginGrace, stopping).ConfigureAwait(false))
        {
            // Still connecting after the grace: the login goes on alongside, as a slow or black-holed address needs.
            login = StartLogin(stopping);
        }

        var (dns, tcp, held) = await transportStep.ConfigureAwait(false);
        login ??= EveryAddressRefused(tcp) ? Task.FromResult(LoginObservation.NotAttemptedEveryAddressRefused)
            : _transportFirst && EveryAddressTimedOut(tcp) ? Task.FromResult(LoginObservation.NotAttemptedEveryAddressTimedOut)
            : StartLogin(stopping);
        IProbeOutcome[] outcomes;
        using (held)
        {
            var transport = new TransportSeen(dns, tcp) { Held = held };
            outcomes = await Task.WhenAll(_probes.Select(p => RunGuardedAsync(p, transport, stopping))).ConfigureAwait(false);
        }

        var loginObservation = await login.ConfigureAwait(false);
        _transportFirst = (EveryAddressRefused(tcp) && loginObservation.Result == LoginResult.Refused)
            || (EveryAddressTimedOut(tcp) && loginObservation.Result == LoginResult.Timeout);
        var duration = _time.GetElapsedTime(started);
        return new TargetCycle(_target.Name, startedAt, duration, dns, tcp, loginObservation, Overran: duration > _target.Interval)
        {
            Probes = [.. outcomes],
        };
    }

    /// <summary>True when the transport step ended within <paramref name="grace"/>.</summary>
    private async Task<bool> AnsweredWithinAsync(Task transportStep, TimeSpan grace, CancellationToken stopping)
    {
        if (transportStep.IsCompleted)
        {
            return true;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var finished = await Task.WhenAny(transportStep, Task.Delay(grace, _time, wait.Token)).ConfigureAwait(false);
        await wait.CancelAsync().ConfigureAwait(false);
        return finished == transportStep;
    }

    private Task<LoginObservation> StartLogin(CancellationToken stopping) => _resolved is { Resolved: false } failed
        ? Task.FromResult(new LoginObservation(LoginResult.DnsError, TimeSpan.Zero, null, failed.Problem, null))
        : _login.LoginAsync(stopping);

    private static bool EveryAddressRefused(ImmutableArray<TcpObservation> tcp) =>
        tcp.Length > 0 && tcp.All(t => t.Result == TcpConnectResult.Refused);

    private static bool EveryAddressTimedOut(ImmutableArray<TcpObservation> tcp) =>
        tcp.Length > 0 && tcp.All(t => t.Result == TcpConnectResult.Timeout);

    private static async Task<IProbeOutcome> RunGuardedAsync(ITargetProbe probe, TransportSeen transport, CancellationToken stopping)
    {
        try
        {
            return await probe.RunAsync(transport, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // One probe's bug never costs the cycle what the other probes saw.
            return new ProbeFailed(probe.Name, ex);
        }
    }

    /// <summary>
    /// DNS, then a TCP connect to every address. When a registered probe will dial again (the TLS probe), the
    /// connection to the first address that accepted is kept for it, and the others are closed at once.
    /// </summary>
    private async Task<(DnsObservation, ImmutableArray<TcpObservation>, HeldConnection?)> ProbeTransportAsync(CancellationToken stopping)
    {
        if (_target.IsUnixSocket)
        {
            var socket = new UnixDomainSocketEndPoint(Path.Combine(_target.Host, $".s.PGSQL.{_target.Port}"));
            var local = await _tcp.ConnectAsync(socket, _target.ConnectTimeout, stopping).ConfigureAwait(false);
            return (new DnsObservation(DnsLookupResult.Ok, [], TimeSpan.Zero, null), [local], null);
        }

        var dns = _resolved ?? await _dns.ResolveAsync(_target.Host, _target.ConnectTimeout, stopping).ConfigureAwait(false);
        if (!dns.Resolved)
        {
            return (dns, [], null);
        }

        var kept = dns.Addresses.Select(a => _tcp.ConnectAndKeepAsync(new IPEndPoint(a, _target.Port), _target.ConnectTimeout, stopping)).ToArray();
        try
        {
            await Task.WhenAll(kept).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: what did connect is closed here, as no probe will take it.
            foreach (var attempt in kept.Where(k => k.IsCompletedSuccessfully))
            {
                TcpConnectProbe.CloseQuietly(attempt.Result.Connected);
            }

            throw;
        }

        HeldConnection? held = null;
        foreach (var (_, connected) in kept.Select(k => k.Result))
        {
            // Kept only for a registered probe that dials again (the TLS probe); otherwise closed like the rest.
            if (connected is not null && held is null && _probes.Count > 0)
            {
                held = new HeldConnection(connected);
            }
            else
            {
                TcpConnectProbe.CloseQuietly(connected);
            }
        }

        return (dns, [.. kept.Select(k => k.Result.Observation)], held);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var probe in _probes)
        {
            await probe.DisposeAsync().ConfigureAwait(false);
        }
    }
}

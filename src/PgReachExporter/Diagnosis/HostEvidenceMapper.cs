using System.Collections.Immutable;
using System.Net.Sockets;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.Diagnosis;

/// <summary>Turns what the host showed (server log, socket table) into the <see cref="HostEvidence"/> the engine reads.</summary>
internal static class HostEvidenceMapper
{
    /// <summary>The evidence, or null when the host showed nothing for the target (no log read, no table read).</summary>
    public static HostEvidence? From(HostObservation host)
    {
        if (host.Log is null && host.Listener is null)
        {
            return null;
        }

        var evidence = new HostEvidence { CollectedAt = host.CollectedAt, SocketTable = SocketTable(host.Listener, host.Log?.Events) };
        return host.Log is { } log ? WithLog(evidence, log.Events) : evidence;
    }

    private static HostEvidence WithLog(HostEvidence evidence, LogEventSnapshot log)
    {
        var bindFailures = log.BindFailures
            .Select(f => new LogBindFailure(Family(f.Family), f.Address, Reason(f.Reason)))
            .ToImmutableArray();
        return evidence with
        {
            LogEventsSinceStart = log.SinceStart.Where(e => e.Value > 0).ToImmutableDictionary(e => e.Key.ToLabel(), e => e.Value),
            LastEventTimes = log.LastSinceStart.ToImmutableDictionary(e => e.Key.ToLabel(), e => e.Value),
            BindFailures = bindFailures,
            CouldNotBindIpv6 = bindFailures.Any(f => f.Family == AddressFamilies.IPv6),
            // Unknown until the log showed a start (or a bind line standing for one).
            LogListening = log.LastStartAt is null && log.Listening.Count == 0
                ? null
                : [.. log.Listening.Select(l => new HostSocket(l.Address, l.Port))],
        };
    }

    // Only a table read whole proves what is not bound; a partial one is left out rather than half believed.
    private static ImmutableArray<HostSocket>? SocketTable(ListenerObservation? listener, LogEventSnapshot? log)
    {
        if (listener is not { Complete: true })
        {
            return null;
        }

        // PostgreSQL on another port is this server only where that is known: the table is of the server's own
        // namespace, or the server's log says it listens on that port. Otherwise it may be another cluster of the host.
        // (Loops rather than LINQ: this runs every cycle of every target with host signals.)
        var sockets = ImmutableArray.CreateBuilder<HostSocket>(listener.Listeners.Count + listener.PostgresElsewhere.Count);
        foreach (var l in listener.Listeners)
        {
            sockets.Add(new HostSocket(l.Socket.AddressLabel, l.Socket.Port, l.Owner?.ProcessName));
        }

        foreach (var l in listener.PostgresElsewhere)
        {
            if (listener.ProcessNamespace || LogsListeningOn(log, l.Socket.Port))
            {
                sockets.Add(new HostSocket(l.Socket.AddressLabel, l.Socket.Port, l.Owner?.ProcessName));
            }
        }

        return sockets.DrainToImmutable();
    }

    private static bool LogsListeningOn(LogEventSnapshot? log, int port)
    {
        foreach (var listening in log?.Listening ?? [])
        {
            if (listening.Port == port)
            {
                return true;
            }
        }

        return false;
    }

    private static string Family(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => AddressFamilies.IPv4,
        AddressFamily.InterNetworkV6 => AddressFamilies.IPv6,
        AddressFamily.Unix => AddressFamilies.Unix,
        _ => "unknown",
    };

    private static string? Reason(BindFailureReason reason) => reason switch
    {
        BindFailureReason.AddressInUse => "address already in use (another process holds the port)",
        BindFailureReason.AddressNotAvailable => "address not available (not an address of this machine, or IPv6 is off)",
        _ => null,
    };
}

using System.Globalization;
using System.Net;
using PgReachExporter.Configuration;

namespace PgReachExporter.Diagnosis;

/// <summary>
/// What a listen_addresses or port change waiting for a restart would do: the addresses the restart would bind, and
/// whether the probed address and each expected client keep, lose or gain a listener. Both sides are the settings
/// (running against written), so the comparison shows the change itself and not what happens to be bound.
/// </summary>
internal static class RestartRules
{
    public static void Apply(DiagnosisContext context, FindingSet found)
    {
        if (context.Server is not { } server)
        {
            return;
        }

        if (server.AfterRestartProblem is { } problem && IsPending(server))
        {
            found.Add(DiagnosisCause.ListenAddressesPendingRestart, Severity.Warning, $"what the restart would bind is unknown: {problem}");
        }

        if (Effect(context, server) is not { } effect)
        {
            return;
        }

        found.Add(DiagnosisCause.ListenAddressesPendingRestart, Severity.Warning, [effect.AfterFact, .. effect.Gained]);
        if (effect.Lost.Count > 0)
        {
            found.Add(DiagnosisCause.RestartWouldUnbind, Severity.Critical, [.. effect.Lost, effect.AfterFact, effect.BeforeFact]);
        }
    }

    /// <summary>What the restart would change for this target; null when nothing relevant is pending or a side is unknown.</summary>
    internal static RestartEffect? Effect(DiagnosisContext context, ServerEvidence server)
    {
        if (server.ListenAddressesAfterRestart is null && server.PortAfterRestart is null)
        {
            return null;
        }

        if (server.ListenAddresses is not { } running || server.Port is not { } runningPort)
        {
            return null;
        }

        var written = server.ListenAddressesAfterRestart?.Value ?? running;
        var writtenPort = server.PortAfterRestart is { } portSetting
            ? int.TryParse(portSetting.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : (int?)null
            : runningPort;
        if (writtenPort is not { } newPort)
        {
            return null;
        }

        var target = context.Target;
        var before = ListenerView.FromSetting(target.Port, running, runningPort);
        var after = ListenerView.FromSetting(target.Port, written, newPort);
        var sources = string.Join(", ", new[] { server.ListenAddressesAfterRestart, server.PortAfterRestart }.OfType<Observations.FileSetting>());
        var afterFact = $"after a restart: {Bound(after, "would bind")} ({sources})";
        var beforeFact = $"running: listen_addresses = '{running}', port = {runningPort.ToString(CultureInfo.InvariantCulture)}: {Bound(before, "binds")}";
        var lost = new List<string>();
        var gained = new List<string>();
        if (target.IsUnixSocket)
        {
            if (newPort != runningPort && runningPort == target.Port)
            {
                lost.Add($"the probed socket {target.Endpoint} would no longer exist (port {newPort.ToString(CultureInfo.InvariantCulture)})");
            }
        }
        else
        {
            foreach (var address in context.Cycle.Tcp.Select(t => IPAddress.TryParse(t.Address, out var ip) ? ip : null).OfType<IPAddress>().Distinct())
            {
                if (before.Covers(address) && !after.Covers(address))
                {
                    lost.Add($"the probed address {EvidenceText.Endpoint(address.ToString(), target.Port)} would have no listener");
                }
                else if (!before.Covers(address) && after.Covers(address))
                {
                    gained.Add($"the probed address {EvidenceText.Endpoint(address.ToString(), target.Port)} would get a listener");
                }
            }
        }

        foreach (var client in target.ExpectedClients)
        {
            var was = Reaches(before, client);
            var will = Reaches(after, client);
            if (was == true && will == false)
            {
                lost.Add($"client {client.Name} (from {client.Address}) would have no listener it can reach on port {target.Port.ToString(CultureInfo.InvariantCulture)}");
            }
            else if (was == false && will == true)
            {
                gained.Add($"client {client.Name} (from {client.Address}) would get a listener on port {target.Port.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        return new RestartEffect(afterFact, beforeFact, lost, gained);
    }

    /// <summary>
    /// Whether a client connecting from its address has a listener on the target's port it can reach: a wildcard of its
    /// family, or an address of its family on its side of the machine (loopback for a loopback client, any other address
    /// for the rest). Null for a local (Unix socket) client, an address that is no IP, or a listener the engine cannot
    /// interpret (a host name) when nothing else decides.
    /// </summary>
    internal static bool? Reaches(ListenerView listeners, ExpectedClientDefinition client)
    {
        if (client.Address is not { } text || !IPAddress.TryParse(text.Split('/')[0], out var from))
        {
            return null;
        }

        var loopback = IPAddress.IsLoopback(from);
        var reachable = listeners.OnPort.Any(b => b.Address is { } bound && bound.AddressFamily == from.AddressFamily
            && (bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any) || IPAddress.IsLoopback(bound) == loopback));
        return reachable ? true : listeners.Complete ? false : null;
    }

    private static bool IsPending(ServerEvidence server) => server.PendingRestartSettings.Any(s =>
        s.Equals("listen_addresses", StringComparison.OrdinalIgnoreCase) || s.Equals("port", StringComparison.OrdinalIgnoreCase));

    private static string Bound(ListenerView view, string verb)
    {
        var all = view.OnPort.Concat(view.Elsewhere).ToList();
        return all.Count == 0 ? "no TCP listener" : $"{verb} {string.Join(", ", all)}";
    }
}

/// <summary>What a pending restart would change: the facts of both sides, and what loses or gains a listener.</summary>
internal sealed record RestartEffect(string AfterFact, string BeforeFact, IReadOnlyList<string> Lost, IReadOnlyList<string> Gained);

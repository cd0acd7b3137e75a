using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PgReachExporter.Diagnosis;

/// <summary>An address a listener is bound to; <see cref="Address"/> is null for a host name the engine cannot resolve.</summary>
internal sealed record BoundAddress(string Text, IPAddress? Address, int Port)
{
    public bool IsLoopback => Address is not null && IPAddress.IsLoopback(Address);

    public bool IsIpv6 => Address?.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>Whether a connection to the address would reach this listener (a wildcard covers its whole family; PostgreSQL binds IPv6 sockets v6-only).</summary>
    public bool Covers(IPAddress target)
    {
        if (Address is null)
        {
            return false;
        }

        var normal = target.IsIPv4MappedToIPv6 ? target.MapToIPv4() : target;
        return Address.Equals(IPAddress.Any) ? normal.AddressFamily == AddressFamily.InterNetwork
            : Address.Equals(IPAddress.IPv6Any) ? normal.AddressFamily == AddressFamily.InterNetworkV6
            : Address.Equals(normal);
    }

    public override string ToString() => Text.Contains(':') ? $"[{Text}]:{Port}" : $"{Text}:{Port}";
}

/// <summary>
/// What listens on the server, from the best source at hand: the host's socket table (what the kernel has bound),
/// else the log's "listening on" lines of the last start, else the running listen_addresses and port.
/// </summary>
/// <param name="OnPort">Listeners on the target's port.</param>
/// <param name="Elsewhere">PostgreSQL listeners on other ports.</param>
/// <param name="Complete">False when some address could not be interpreted (a host name in listen_addresses).</param>
/// <param name="Evidence">The facts the view is built from, for findings.</param>
internal sealed record ListenerView(ImmutableArray<BoundAddress> OnPort, ImmutableArray<BoundAddress> Elsewhere, bool Complete, ImmutableArray<string> Evidence)
{
    private const int MaxListed = 6;

    /// <summary>The view, or null when neither host nor server evidence says what is bound.</summary>
    public static ListenerView? From(int port, ServerEvidence? server, HostEvidence? host)
    {
        if (host?.SocketTable is { } table)
        {
            return FromSockets(port, table, "socket table", isPostgres: s => IsPostgresProcess(s.Process));
        }

        if (host?.LogListening is { Length: > 0 } logged)
        {
            return FromSockets(port, logged, "server log at the last start: listening on", isPostgres: _ => true);
        }

        return server?.ListenAddresses is { } setting ? FromSetting(port, setting, server.Port ?? port) : null;
    }

    /// <summary>Whether anything on the target's port would take a connection to the address.</summary>
    public bool Covers(IPAddress address) => OnPort.Any(b => b.Covers(address));

    private static ListenerView FromSockets(int port, ImmutableArray<HostSocket> sockets, string source, Func<HostSocket, bool> isPostgres)
    {
        var onPort = sockets.Where(s => s.Port == port).ToList();
        var elsewhere = sockets.Where(s => s.Port != port && isPostgres(s)).ToList();
        var evidence = new List<string>();
        evidence.Add(onPort.Count == 0
            ? $"{source}: nothing on port {port}"
            : $"{source}: {List(onPort)}");
        if (elsewhere.Count > 0)
        {
            evidence.Add($"{source}: PostgreSQL on {List(elsewhere)}");
        }

        var bound = onPort.Select(Bind).ToImmutableArray();
        return new([.. bound], [.. elsewhere.Select(Bind)], bound.All(b => b.Address is not null), [.. evidence]);
    }

    /// <summary>What a listen_addresses and port would bind, seen from the target's port.</summary>
    public static ListenerView FromSetting(int port, string setting, int serverPort)
    {
        var addresses = setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .SelectMany(Expand).ToImmutableArray();
        var evidence = setting.Trim().Length == 0
            ? $"server: listen_addresses = '' (TCP disabled), port = {serverPort}"
            : $"server: listen_addresses = '{setting}', port = {serverPort}";
        var bound = addresses.Select(a => new BoundAddress(a.Text, a.Address, serverPort)).ToImmutableArray();
        var complete = bound.All(b => b.Address is not null);
        return serverPort == port
            ? new(bound, [], complete, [evidence])
            : new([], bound, complete, [evidence]);
    }

    private static IEnumerable<(string Text, IPAddress? Address)> Expand(string entry) => entry switch
    {
        "*" => [("0.0.0.0", IPAddress.Any), ("::", IPAddress.IPv6Any)],
        _ when entry.Equals("localhost", StringComparison.OrdinalIgnoreCase) => [("127.0.0.1", IPAddress.Loopback), ("::1", IPAddress.IPv6Loopback)],
        _ => [(entry, IPAddress.TryParse(entry, out var ip) ? ip : null)],
    };

    private static BoundAddress Bind(HostSocket socket) =>
        new(socket.Address, IPAddress.TryParse(socket.Address, out var ip) ? ip : null, socket.Port);

    private static bool IsPostgresProcess(string? process) =>
        process is not null && (process.Contains("postgres", StringComparison.OrdinalIgnoreCase) || process.Contains("postmaster", StringComparison.OrdinalIgnoreCase));

    private static string List(IReadOnlyList<HostSocket> sockets)
    {
        var listed = string.Join(", ", sockets.Take(MaxListed).Select(s => s.ToString()));
        return sockets.Count > MaxListed ? $"{listed} and {(sockets.Count - MaxListed).ToString(CultureInfo.InvariantCulture)} more" : listed;
    }
}

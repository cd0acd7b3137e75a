using System.Globalization;
using Npgsql;

namespace PgReachExporter.Configuration;

/// <summary>
/// A validated /probe module (PgReach:Modules:NAME): the identity an unconfigured target is probed with (the
/// auth_modules idea of postgres_exporter) and the allowlist of what it may probe. Credentials never come from a
/// request: a request names the module, and <see cref="ToTarget"/> turns HOST:PORT into a target with its identity.
/// </summary>
internal sealed record ProbeModule
{
    public required string Name { get; init; }
    public required string Username { get; init; }
    public required string Database { get; init; }
    public PasswordSource Password { get; init; } = PasswordSource.None;
    public SslMode SslMode { get; init; } = SslMode.Prefer;
    public required TimeSpan ConnectTimeout { get; init; }
    public required ProbeAllowlist Allow { get; init; }

    /// <summary>
    /// The target for "HOST:PORT" ("[IPv6]:PORT"; the port may be left out for 5432), named as written back in
    /// canonical form; null with the problem when the text is not a host and port. Whether the module may probe it is
    /// a separate question (<see cref="ProbeAllowlist"/>), answered after resolution.
    /// </summary>
    public TargetDefinition? ToTarget(string hostAndPort, out string? problem)
    {
        if (!TrySplit(hostAndPort, out var host, out var port, out problem))
        {
            return null;
        }

        var target = new TargetDefinition
        {
            Name = "", Host = host, Port = port, Database = Database, Username = Username, Password = Password,
            SslMode = SslMode, ConnectTimeout = ConnectTimeout,
            // A module's target has no schedule; the interval only bounds what counts as an overrun.
            Interval = DurationBounds.Interval.Max,
        };
        return target with { Name = target.Endpoint };
    }

    /// <summary>Splits "host:port", "[v6]:port", "host" or "[v6]"; a Unix socket directory is never a probe target.</summary>
    public static bool TrySplit(string text, out string host, out int port, out string? problem)
    {
        host = "";
        port = AgentSettings.DefaultPort;
        string? portText = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < text.Length && text[close + 1] != ':'))
            {
                problem = "is not HOST:PORT ([IPv6]:PORT for an IPv6 address)";
                return false;
            }

            host = text[1..close];
            portText = close + 1 < text.Length ? text[(close + 2)..] : null;
            if (!host.Contains(':'))
            {
                problem = "has brackets around something other than an IPv6 address";
                return false;
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon >= 0 && text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                problem = "is an IPv6 address without brackets; write [IPv6]:PORT";
                return false;
            }

            host = colon < 0 ? text : text[..colon];
            portText = colon < 0 ? null : text[(colon + 1)..];
        }

        if (portText is not null && !(int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535))
        {
            problem = "has a port that is not a whole number from 1 to 65535";
            return false;
        }

        if (host.StartsWith('/'))
        {
            problem = "is a path; /probe targets are HOST:PORT over TCP";
            return false;
        }

        if (HostName.Problem(host) is { } hostProblem)
        {
            problem = $"has an unusable host: {hostProblem}";
            return false;
        }

        problem = null;
        return true;
    }
}

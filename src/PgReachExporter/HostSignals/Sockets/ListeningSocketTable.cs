using System.Collections.Immutable;
using PgReachExporter.Observations;

namespace PgReachExporter.HostSignals;

/// <summary>The listeners found on a port, and what could not be read (never thrown).</summary>
/// <param name="Listeners">LISTEN sockets on the port, IPv4 table first.</param>
/// <param name="Errors">Files that exist but could not be read, with the reason.</param>
internal sealed record ListenerScan(IReadOnlyList<ListeningSocket> Listeners, IReadOnlyList<string> Errors)
{
    /// <summary>True when at least one socket listens on the port.</summary>
    public bool Present => Listeners.Count > 0;

    /// <summary>True when every table could be read, so an empty result means "nothing listens".</summary>
    public bool Complete => Errors.Count == 0;
}

/// <summary>
/// Reads the kernel's TCP tables of one network namespace (/proc/net/tcp and tcp6, or those seen by
/// a given process, /proc/PID/net/..., for a sidecar that shares a pod's namespace) and lists the LISTEN
/// sockets. A missing tcp6 table means IPv6 is off, which is not an error; a missing IPv4 table (the
/// process is gone, or no proc file system) is.
/// </summary>
internal sealed class ListeningSocketTable
{
    private readonly string tcpPath;
    private readonly string tcp6Path;

    /// <param name="procRoot">The proc file system, or a directory laid out like it in tests.</param>
    /// <param name="pid">Read the namespace of this process instead of the agent's own.</param>
    public ListeningSocketTable(string procRoot = "/proc", int? pid = null)
    {
        string netDirectory = pid is { } p ? Path.Combine(procRoot, p.ToString(System.Globalization.CultureInfo.InvariantCulture), "net") : Path.Combine(procRoot, "net");
        tcpPath = Path.Combine(netDirectory, "tcp");
        tcp6Path = Path.Combine(netDirectory, "tcp6");
    }

    /// <summary>The LISTEN sockets on one port.</summary>
    public ListenerScan Scan(int port) => Read(port);

    /// <summary>Every LISTEN socket of the namespace, on any port.</summary>
    public ListenerScan ScanAll() => Read(null);

    private ListenerScan Read(int? port)
    {
        var listeners = new List<ListeningSocket>();
        var errors = new List<string>();
        Read(tcpPath, port, required: true, listeners, errors);
        Read(tcp6Path, port, required: false, listeners, errors);
        return new ListenerScan(listeners.ToImmutableArray(), errors.ToImmutableArray());
    }

    private static void Read(string path, int? port, bool required, List<ListeningSocket> listeners, List<string> errors)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            if (required)
            {
                errors.Add($"{path}: not found");
            }

            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{path}: {e.Message}");
            return;
        }

        foreach (TcpSocketEntry entry in ProcNetTcpParser.Parse(text))
        {
            if (entry.State == TcpState.Listen && (port is null || entry.LocalPort == port))
            {
                listeners.Add(ListeningSocket.From(entry));
            }
        }
    }
}

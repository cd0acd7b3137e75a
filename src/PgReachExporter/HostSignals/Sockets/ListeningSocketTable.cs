using System.Collections.Immutable;

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
/// sockets on a port. A missing tcp6 table means IPv6 is off, which is not an error.
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

    public ListenerScan Scan(int port)
    {
        var listeners = new List<ListeningSocket>();
        var errors = new List<string>();
        Read(tcpPath, port, listeners, errors);
        Read(tcp6Path, port, listeners, errors);
        return new ListenerScan(listeners.ToImmutableArray(), errors.ToImmutableArray());
    }

    private static void Read(string path, int port, List<ListeningSocket> listeners, List<string> errors)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{path}: {e.Message}");
            return;
        }

        foreach (TcpSocketEntry entry in ProcNetTcpParser.Parse(text))
        {
            if (entry.State == TcpState.Listen && entry.LocalPort == port)
            {
                listeners.Add(ListeningSocket.From(entry));
            }
        }
    }
}

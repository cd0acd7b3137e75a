using System.Collections.Immutable;
using System.Globalization;
using PgReachExporter.Observations;

namespace PgReachExporter.HostSignals;

/// <summary>
/// Finds which processes hold given socket inodes by reading the /proc/PID/fd links ("socket:[INODE]").
/// Processes the agent may not inspect (other users, without root or CAP_SYS_PTRACE) are skipped, so an
/// inode can stay unresolved: owner unknown, never an exception. The lowest PID wins when several
/// processes share a socket (a parent and its forked children). A listener lives as long as its server,
/// so owners found are remembered and re-checked in their own process only; the full scan of every
/// process runs only for sockets not seen before.
/// </summary>
internal sealed class SocketOwnerResolver(string procRoot = "/proc")
{
    private const int MaxRemembered = 1024;

    private static readonly string[] PostgresNames = ["postgres", "postmaster"];

    private readonly Lock gate = new();
    private ImmutableDictionary<long, SocketOwner> known = ImmutableDictionary<long, SocketOwner>.Empty;

    public IReadOnlyDictionary<long, SocketOwner> Resolve(IReadOnlyCollection<long> inodes)
    {
        lock (gate)
        {
            var wanted = new HashSet<long>(inodes.Where(i => i > 0));
            var found = new Dictionary<long, SocketOwner>();
            foreach (long inode in wanted.ToList())
            {
                if (known.TryGetValue(inode, out SocketOwner? owner))
                {
                    known = known.Remove(inode);
                    if (SocketInodesOf(owner.Pid).Contains(inode))
                    {
                        found[inode] = owner;
                        wanted.Remove(inode);
                    }
                }
            }

            if (wanted.Count > 0)
            {
                ScanAll(wanted, found);
            }

            // Sockets of servers that restarted are never asked for again; a bound keeps them from piling up.
            known = (known.Count > MaxRemembered ? ImmutableDictionary<long, SocketOwner>.Empty : known).SetItems(found);
            return found.ToImmutableDictionary();
        }
    }

    private void ScanAll(HashSet<long> wanted, Dictionary<long, SocketOwner> found)
    {
        foreach (int pid in ProcessIds())
        {
            foreach (long inode in SocketInodesOf(pid))
            {
                if (wanted.Remove(inode))
                {
                    string name = NameOf(pid);
                    found[inode] = new SocketOwner(pid, name, PostgresNames.Contains(name, StringComparer.Ordinal));
                }
            }

            if (wanted.Count == 0)
            {
                break;
            }
        }
    }

    private IEnumerable<int> ProcessIds()
    {
        var pids = new List<int>();
        try
        {
            foreach (string directory in Directory.EnumerateDirectories(procRoot))
            {
                if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                {
                    pids.Add(pid);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No process list at all: every owner stays unknown.
        }

        pids.Sort();
        return pids;
    }

    private IEnumerable<long> SocketInodesOf(int pid)
    {
        var inodes = new List<long>();
        try
        {
            foreach (string fd in Directory.EnumerateFileSystemEntries(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "fd")))
            {
                if (TryReadSocketInode(fd, out long inode))
                {
                    inodes.Add(inode);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not ours to inspect, or the process exited while we looked.
        }

        return inodes;
    }

    private static bool TryReadSocketInode(string fdLink, out long inode)
    {
        inode = 0;
        string? target;
        try
        {
            target = new FileInfo(fdLink).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // "socket:[12345]"
        const string Prefix = "socket:[";
        return target is not null
            && target.StartsWith(Prefix, StringComparison.Ordinal)
            && target.EndsWith(']')
            && long.TryParse(target.AsSpan(Prefix.Length, target.Length - Prefix.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out inode);
    }

    private string NameOf(int pid)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "comm")).TrimEnd('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}

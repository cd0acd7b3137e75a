using System.Text;
using Microsoft.Win32.SafeHandles;
using PgReachExporter.Configuration;

namespace PgReachExporter.HostSignals;

/// <summary>
/// Finds, once, where the current postmaster generation begins in a log that was written before the agent looked:
/// the last "starting PostgreSQL" line in the current file or, when the log rotated since, in earlier files of the same
/// glob or directory. PostgreSQL writes its bind failures and "listening on" lines only at start, so these lines are
/// the evidence of what the running postmaster could and could not bind. Bounded in bytes and age.
/// </summary>
internal static class LogHistory
{
    /// <summary>At most this many bytes are searched and replayed, over all files.</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    /// <summary>Earlier files written longer ago than this are not looked at.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(7);

    private const int ChunkBytes = 1024 * 1024;
    private static readonly byte[] StartMarker = Encoding.UTF8.GetBytes(PostgresLogMessages.StartingPrefix);

    /// <summary>
    /// The pieces of log to replay, oldest first, ending at <paramref name="currentEnd"/> of the current file: empty
    /// when no start is found within the bounds (then nothing is known of the current generation's start).
    /// </summary>
    public static IReadOnlyList<LogRegion> Locate(
        LogLocation location, string currentPath, SafeFileHandle current, long currentEnd, DateTimeOffset now)
    {
        var regions = new List<LogRegion>();
        var budget = MaxBytes;
        if (StartIn(current, currentEnd, ref budget) is { } start)
        {
            return [new LogRegion(currentPath, start, currentEnd)];
        }

        regions.Add(new LogRegion(currentPath, 0, currentEnd));
        if (!location.IsGlob)
        {
            return [];
        }

        foreach (var earlier in EarlierFiles(location, currentPath, now))
        {
            if (budget <= 0)
            {
                break;
            }

            try
            {
                using var handle = File.OpenHandle(earlier, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var length = RandomAccess.GetLength(handle);
                if (StartIn(handle, length, ref budget) is { } found)
                {
                    regions.Add(new LogRegion(earlier, found, length));
                    regions.Reverse();
                    return regions;
                }

                regions.Add(new LogRegion(earlier, 0, length));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An earlier file that cannot be read ends the look-back: what lies before it is unknown.
                break;
            }
        }

        return [];
    }

    /// <summary>Reads a region's complete lines in batches of at most <paramref name="maxBatchLines"/>, as history.</summary>
    public static IEnumerable<LogLineBatch> Read(LogRegion region, SafeFileHandle? open, int maxLineBytes, int maxBatchLines)
    {
        var handle = open ?? File.OpenHandle(region.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            var assembler = new LineAssembler(maxLineBytes);
            var buffer = new byte[64 * 1024];
            var lines = new List<string>();
            var position = region.Start;
            var first = true;
            while (position < region.End)
            {
                var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, region.End - position)), position);
                if (read == 0)
                {
                    break;
                }

                position += read;
                assembler.Append(buffer.AsSpan(0, read), lines);
                if (lines.Count >= maxBatchLines)
                {
                    yield return new LogLineBatch(region.Path, lines, first) { History = true };
                    first = false;
                    lines = [];
                }
            }

            // A line still open at the end of the region is the live reader's to finish, not history.
            if (lines.Count > 0)
            {
                yield return new LogLineBatch(region.Path, lines, first) { History = true };
            }
        }
        finally
        {
            if (open is null)
            {
                handle.Dispose();
            }
        }
    }

    /// <summary>The offset of the line holding the last start marker before <paramref name="end"/>; null when none within the budget.</summary>
    private static long? StartIn(SafeFileHandle handle, long end, ref long budget)
    {
        var buffer = new byte[ChunkBytes + StartMarker.Length];
        var chunkEnd = end;
        while (chunkEnd > 0 && budget > 0)
        {
            var size = (int)Math.Min(Math.Min(ChunkBytes, chunkEnd), budget);
            var chunkStart = chunkEnd - size;
            // Overlap the next chunk by the marker's length so a marker across the boundary is found.
            var length = (int)Math.Min(size + StartMarker.Length, end - chunkStart);
            var read = RandomAccess.Read(handle, buffer.AsSpan(0, length), chunkStart);
            var span = buffer.AsSpan(0, read);
            var at = span.LastIndexOf(StartMarker);
            if (at >= 0)
            {
                return LineStart(handle, chunkStart, span, at);
            }

            budget -= size;
            chunkEnd = chunkStart;
        }

        return null;
    }

    // The start of the line that holds the marker: back to the previous newline, within the chunk or before it.
    private static long LineStart(SafeFileHandle handle, long chunkStart, ReadOnlySpan<byte> chunk, int at)
    {
        var newline = chunk[..at].LastIndexOf((byte)'\n');
        if (newline >= 0)
        {
            return chunkStart + newline + 1;
        }

        Span<byte> one = stackalloc byte[4096];
        var position = chunkStart;
        while (position > 0)
        {
            var size = (int)Math.Min(one.Length, position);
            var read = RandomAccess.Read(handle, one[..size], position - size);
            var found = one[..read].LastIndexOf((byte)'\n');
            if (found >= 0)
            {
                return position - size + found + 1;
            }

            position -= size;
        }

        return 0;
    }

    private static IEnumerable<string> EarlierFiles(LogLocation location, string currentPath, DateTimeOffset now)
    {
        var oldest = now.UtcDateTime - MaxAge;
        List<(string Path, DateTime Written)> files = [];
        try
        {
            foreach (var path in location.Files())
            {
                var written = File.GetLastWriteTimeUtc(path);
                if (path != currentPath && written >= oldest)
                {
                    files.Add((path, written));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        return files.OrderByDescending(f => f.Written).ThenByDescending(f => f.Path, StringComparer.Ordinal).Select(f => f.Path);
    }
}

/// <summary>A byte range of one log file, from the start of a line.</summary>
internal sealed record LogRegion(string Path, long Start, long End);

using System.Collections.Immutable;
using System.Text;
using PgReachExporter.Observations;

namespace PgReachExporter.Probes.ServerChecks;

/// <summary>
/// Follows the server's current log file through the monitoring connection (pg_current_logfile, pg_stat_file,
/// pg_read_binary_file): each run reads the bytes added since the last one, bounded, and returns the complete lines.
/// Keeps its place between runs, so one instance serves one target.
/// </summary>
/// <remarks>
/// The first run reads back at most <see cref="InitialBacklogBytes"/> before the end of the file, as history (the
/// current postmaster's start-up lines, which hold its bind failures); a rotated or truncated file is read from its start. The binary read avoids the encoding check of pg_read_file, which would fail on a
/// multi-byte character cut by a read boundary; lines are decoded here as UTF-8.
/// </remarks>
internal sealed class RemoteLogCheck
{
    /// <summary>The check's name: its <c>check</c> label.</summary>
    public const string Name = "log_remote";

    public const int InitialBacklogBytes = 1024 * 1024;
    public const int MaxBytesPerRun = 256 * 1024;
    public const int MaxLineBytes = 64 * 1024;

    /// <summary>The current log file (as the server names it, often relative to the data directory) and its size.</summary>
    public const string LocateSql = """
        SELECT f, (pg_catalog.pg_stat_file(f, true)).size
        FROM pg_catalog.pg_current_logfile() AS f
        """;

    public const string ReadSql = "SELECT pg_catalog.pg_read_binary_file($1, $2, $3, true)";

    private string? _file;
    private long _offset;
    private byte[] _partial = [];
    private bool _skipToNextLine;

    public async Task<CheckOutcome<RemoteLogRead>> RunAsync(MonitoringSession session, CancellationToken stopping)
    {
        var located = await session.QueryAsync(LocateSql, r => (File: r.IsDBNull(0) ? null : r.GetString(0), Size: r.IsDBNull(1) ? (long?)null : r.GetInt64(1)), stopping)
            .ConfigureAwait(false);
        if (!located.Succeeded)
        {
            return located.Failure<RemoteLogRead>();
        }

        var (file, size) = located.Rows.Single();
        if (file is null || size is null)
        {
            return CheckOutcome<RemoteLogRead>.Failed(ServerCheckResult.Unsupported, "the server writes no log file (logging_collector is off)");
        }

        var rotated = !string.Equals(file, _file, StringComparison.Ordinal) || size < _offset;
        var history = _file is null;
        if (rotated)
        {
            // A file seen for the first time starts near its end; one that replaced the followed file is new from its start.
            _offset = _file is null ? Math.Max(0, size.Value - InitialBacklogBytes) : 0;
            _partial = [];
            _skipToNextLine = _offset > 0;
            _file = file;
        }

        var length = (int)Math.Min(size.Value - _offset, history ? InitialBacklogBytes : MaxBytesPerRun);
        if (length <= 0)
        {
            return CheckOutcome<RemoteLogRead>.Ok(new RemoteLogRead(file, _offset, 0, []) { History = history });
        }

        var read = await session.QueryAsync(ReadSql, r => r.IsDBNull(0) ? [] : r.GetFieldValue<byte[]>(0), stopping, file, _offset, (long)length)
            .ConfigureAwait(false);
        if (!read.Succeeded)
        {
            return read.Failure<RemoteLogRead>();
        }

        var bytes = read.Rows.Single();
        _offset += bytes.Length;
        var lines = SplitLines(bytes);
        return CheckOutcome<RemoteLogRead>.Ok(new RemoteLogRead(file, _offset, bytes.Length, lines) { History = history });
    }

    private ImmutableArray<string> SplitLines(byte[] bytes)
    {
        var data = _partial.Length == 0 ? bytes : [.. _partial, .. bytes];
        var lines = ImmutableArray.CreateBuilder<string>();
        var start = 0;
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] != (byte)'\n')
            {
                continue;
            }

            if (_skipToNextLine)
            {
                _skipToNextLine = false; // the backlog began inside a line
            }
            else
            {
                var end = i > start && data[i - 1] == (byte)'\r' ? i - 1 : i;
                lines.Add(Encoding.UTF8.GetString(data, start, end - start));
            }

            start = i + 1;
        }

        var rest = data.Length - start;
        _partial = _skipToNextLine || rest > MaxLineBytes ? [] : data[start..];
        return lines.ToImmutable();
    }
}

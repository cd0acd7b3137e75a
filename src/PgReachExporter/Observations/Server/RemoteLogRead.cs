using System.Collections.Immutable;

namespace PgReachExporter.Observations;

/// <summary>What one run of the remote log check read.</summary>
/// <param name="File">The log file as pg_current_logfile() names it.</param>
/// <param name="Offset">The byte offset read up to.</param>
/// <param name="BytesRead">Bytes read in this run.</param>
/// <param name="Lines">The complete lines read, in order, without line endings.</param>
internal sealed record RemoteLogRead(string File, long Offset, int BytesRead, ImmutableArray<string> Lines)
{
    /// <summary>The first read of the file, reaching back before the agent looked: evidence, not new events.</summary>
    public bool History { get; init; }
}

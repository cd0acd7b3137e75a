using System.Collections.Immutable;

namespace PgReachExporter.Observations;

/// <summary>What the tailer is doing right now.</summary>
internal enum LogTailerState
{
    Starting,
    Following,
    Missing,
    PermissionDenied,
    Failing,
}

/// <summary>The tailer's own health: immutable, safe to read from any thread.</summary>
/// <param name="CurrentFile">The file being followed, if one is open.</param>
/// <param name="State">Following, or why not.</param>
/// <param name="Lines">Complete lines handed on.</param>
/// <param name="ReadErrors">Every <see cref="LogReadError"/> with its count; missing, permission_denied and
/// io count once per episode (the state shows whether it lasts), line errors once per line.</param>
/// <param name="FilesOpened">Files opened so far (1 + rotations, re-creations and truncations).</param>
/// <param name="Watching">True while file-system notifications work; false means poll only.</param>
/// <param name="LastError">The text of the latest error, for the status page.</param>
internal sealed record LogTailerHealth(
    string? CurrentFile,
    LogTailerState State,
    long Lines,
    ImmutableDictionary<LogReadError, long> ReadErrors,
    long FilesOpened,
    bool Watching,
    string? LastError);

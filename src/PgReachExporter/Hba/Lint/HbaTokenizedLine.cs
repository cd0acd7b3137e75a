namespace PgReachExporter.Hba.Lint;

/// <summary>One logical line of a pg_hba.conf file after tokenizing: its fields, each a list of tokens, or why it cannot be read.</summary>
/// <param name="File">The absolute path of the file the line is in (an included file for its own lines).</param>
/// <param name="LineNumber">The number of the line's first physical line in that file.</param>
/// <param name="Error">Why the server rejects the line while reading it (an unreadable @file or include); null otherwise.</param>
internal sealed record HbaTokenizedLine(
    string File, int LineNumber, IReadOnlyList<IReadOnlyList<HbaAuthToken>> Fields, string RawLine, string? Error);

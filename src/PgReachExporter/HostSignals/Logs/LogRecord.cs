namespace PgReachExporter.HostSignals;

/// <summary>One server log entry as parsed from any format; fields absent in the format are null.</summary>
/// <param name="Timestamp">The entry's time when the line carried one with a known zone.</param>
/// <param name="Severity">Severity word as written (LOG, FATAL, ...; may be translated).</param>
/// <param name="SqlState">Five-character SQLSTATE where the format has it (csv, json, verbose stderr).</param>
/// <param name="Message">The primary message text.</param>
/// <param name="Detail">The DETAIL text, if any.</param>
internal sealed record LogRecord(
    DateTimeOffset? Timestamp,
    string Severity,
    string? SqlState,
    string Message,
    string? Detail = null);

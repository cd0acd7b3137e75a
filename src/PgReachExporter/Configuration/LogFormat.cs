namespace PgReachExporter.Configuration;

/// <summary>PostgreSQL's log_destination formats the agent can read.</summary>
internal enum LogFormat
{
    /// <summary>Plain text with a log_line_prefix (log_destination = stderr).</summary>
    Stderr,

    /// <summary>Comma-separated values (log_destination = csvlog).</summary>
    Csv,

    /// <summary>One JSON object per line (log_destination = jsonlog, PostgreSQL 15+).</summary>
    Json,
}

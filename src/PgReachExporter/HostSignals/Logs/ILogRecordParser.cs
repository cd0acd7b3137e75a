using PgReachExporter.Configuration;
namespace PgReachExporter.HostSignals;

/// <summary>Turns complete log lines of one format into records; stateful across lines of one file.</summary>
internal interface ILogRecordParser
{
    LogFormat Format { get; }

    /// <summary>Lines or records that could not be read as this format (dropped, never thrown).</summary>
    long MalformedCount { get; }

    /// <summary>Feeds one complete line (without its newline); appends records it completes.</summary>
    void Feed(string line, ICollection<LogRecord> output);

    /// <summary>Emits a record still waiting for continuation lines (call when the reader is idle).</summary>
    void Flush(ICollection<LogRecord> output);

    /// <summary>Drops any partly assembled record (the file changed under the reader).</summary>
    void Reset();
}

/// <summary>Creates the parser for a format.</summary>
internal static class LogRecordParsers
{
    public static ILogRecordParser Create(LogFormat format) => format switch
    {
        LogFormat.Stderr => new StderrLogParser(),
        LogFormat.Csv => new CsvLogParser(),
        LogFormat.Json => new JsonLogParser(),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}

using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;

namespace PgReachExporter.Tests.HostSignals.Logs;

/// <summary>Access to the recorded server logs in TestData and helpers to run them through the pipeline.</summary>
internal static class RecordedLogs
{
    public static string PathOf(string version, string file) =>
        Path.Combine(AppContext.BaseDirectory, "HostSignals", "TestData", version, file);

    public static string[] Lines(string version, string file) => File.ReadAllLines(PathOf(version, file));

    public static string Extension(LogFormat format) => format switch
    {
        LogFormat.Stderr => "log",
        LogFormat.Csv => "csv",
        _ => "json",
    };

    public static List<LogRecord> Parse(LogFormat format, IEnumerable<string> lines)
    {
        ILogRecordParser parser = LogRecordParsers.Create(format);
        var records = new List<LogRecord>();
        foreach (string line in lines)
        {
            parser.Feed(line, records);
        }

        parser.Flush(records);
        return records;
    }

    public static LogEventSnapshot Count(LogFormat format, IReadOnlyList<string> lines)
    {
        var counter = new LogEventCounter(format);
        counter.Add(new LogLineBatch("test", lines, StartsNewFile: true));
        return counter.Snapshot();
    }
}

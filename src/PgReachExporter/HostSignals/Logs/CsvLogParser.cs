using System.Text;
using PgReachExporter.Configuration;

namespace PgReachExporter.HostSignals;

/// <summary>
/// Parses csvlog records (PostgreSQL 13 to 18 write 26 columns; only the first 15 are needed). A quoted
/// field may hold newlines, so lines are joined until the quotes balance.
/// </summary>
internal sealed class CsvLogParser : ILogRecordParser
{
    // Column positions of csvlog, stable since PostgreSQL 9.0.
    private const int LogTimeColumn = 0;
    private const int SeverityColumn = 11;
    private const int SqlStateColumn = 12;
    private const int MessageColumn = 13;
    private const int DetailColumn = 14;
    private const int RequiredColumns = DetailColumn + 1;

    // A record longer than this is taken as a lost closing quote; dropping it lets the parser resync.
    private const int MaxRecordChars = 1 << 20;

    private readonly StringBuilder pending = new();
    private readonly List<string> fields = new(32);
    private bool insideQuotes;

    public LogFormat Format => LogFormat.Csv;

    public long MalformedCount { get; private set; }

    public void Feed(string line, ICollection<LogRecord> output)
    {
        if (pending.Length > 0)
        {
            pending.Append('\n');
        }

        pending.Append(line);
        foreach (char c in line)
        {
            if (c == '"')
            {
                insideQuotes = !insideQuotes;
            }
        }

        if (insideQuotes)
        {
            if (pending.Length > MaxRecordChars)
            {
                MalformedCount++;
                Reset();
            }

            return;
        }

        string record = pending.ToString();
        pending.Clear();
        if (TryParseRecord(record) is { } parsed)
        {
            output.Add(parsed);
        }
        else if (record.Length > 0)
        {
            MalformedCount++;
        }
    }

    // A csv record is complete when its quotes balance, so nothing waits for more lines.
    public void Flush(ICollection<LogRecord> output)
    {
    }

    public void Reset()
    {
        pending.Clear();
        insideQuotes = false;
    }

    private LogRecord? TryParseRecord(string record)
    {
        if (!SplitFields(record) || fields.Count < RequiredColumns)
        {
            return null;
        }

        DateTimeOffset? timestamp = PostgresTimestamp.TryParse(fields[LogTimeColumn], out DateTimeOffset value, out _) ? value : null;
        string sqlState = fields[SqlStateColumn];
        return new LogRecord(
            timestamp,
            fields[SeverityColumn],
            sqlState.Length == 5 ? sqlState : null,
            fields[MessageColumn],
            fields[DetailColumn].Length > 0 ? fields[DetailColumn] : null);
    }

    private bool SplitFields(string record)
    {
        fields.Clear();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            field.Clear();
            if (i < record.Length && record[i] == '"')
            {
                i++;
                while (true)
                {
                    int quote = record.IndexOf('"', i);
                    if (quote < 0)
                    {
                        return false;
                    }

                    field.Append(record, i, quote - i);
                    i = quote + 1;
                    if (i < record.Length && record[i] == '"')
                    {
                        field.Append('"');
                        i++;
                        continue;
                    }

                    break;
                }
            }
            else
            {
                int comma = record.IndexOf(',', i);
                int end = comma < 0 ? record.Length : comma;
                field.Append(record, i, end - i);
                i = end;
            }

            fields.Add(field.ToString());
            if (i >= record.Length)
            {
                return true;
            }

            if (record[i] != ',')
            {
                return false;
            }

            i++;
            if (i == record.Length)
            {
                fields.Add(string.Empty);
                return true;
            }
        }
    }
}

using System.Text;
using PgReachExporter.Configuration;

namespace PgReachExporter.HostSignals;

/// <summary>
/// Parses stderr-format logs whatever the log_line_prefix: the record starts at the first
/// "SEVERITY:  " marker (PostgreSQL always writes two spaces after it), the timestamp is taken from the
/// prefix when one is there, and DETAIL/HINT/CONTEXT/STATEMENT lines and tab-indented lines continue
/// the record before them.
/// </summary>
internal sealed class StderrLogParser : ILogRecordParser
{
    private static readonly string[] PrimarySeverities =
        ["LOG", "FATAL", "ERROR", "WARNING", "PANIC", "NOTICE", "INFO", "DEBUG1", "DEBUG2", "DEBUG3", "DEBUG4", "DEBUG5"];

    private static readonly string[] ContinuationSeverities = ["DETAIL", "HINT", "CONTEXT", "STATEMENT", "QUERY", "LOCATION"];

    private Pending? pending;

    public LogFormat Format => LogFormat.Stderr;

    public long MalformedCount { get; private set; }

    public void Feed(string line, ICollection<LogRecord> output)
    {
        if (line.Length > 0 && line[0] == '\t')
        {
            // A message with embedded newlines continues on tab-indented lines.
            pending?.AppendToLastField(line.AsSpan(1));
            return;
        }

        if (!TryFindMarker(line, out int prefixEnd, out string? severity, out int textStart))
        {
            Flush(output);
            if (line.Length > 0)
            {
                MalformedCount++;
            }

            return;
        }

        if (Array.IndexOf(ContinuationSeverities, severity) >= 0)
        {
            pending?.StartField(severity, line.AsSpan(textStart));
            return;
        }

        Flush(output);
        DateTimeOffset? timestamp = FindTimestamp(line.AsSpan(0, prefixEnd));
        ReadOnlySpan<char> text = line.AsSpan(textStart);
        string? sqlState = null;
        if (IsSqlStatePrefix(text))
        {
            // log_error_verbosity = verbose writes "FATAL:  28P01:  message".
            sqlState = text[..5].ToString();
            text = text[6..].TrimStart(' ');
        }

        pending = new Pending(timestamp, severity, sqlState, text);
    }

    public void Flush(ICollection<LogRecord> output)
    {
        if (pending is not null)
        {
            output.Add(pending.ToRecord());
            pending = null;
        }
    }

    public void Reset() => pending = null;

    private static bool TryFindMarker(string line, out int prefixEnd, out string severity, out int textStart)
    {
        int searchFrom = 0;
        while (true)
        {
            int colon = line.IndexOf(":  ", searchFrom, StringComparison.Ordinal);
            if (colon < 0)
            {
                break;
            }

            int wordStart = colon;
            while (wordStart > 0 && char.IsAsciiLetterOrDigit(line[wordStart - 1]))
            {
                wordStart--;
            }

            ReadOnlySpan<char> word = line.AsSpan(wordStart, colon - wordStart);
            string? known = Match(word, PrimarySeverities) ?? Match(word, ContinuationSeverities);
            if (known is not null)
            {
                prefixEnd = wordStart;
                severity = known;
                textStart = colon + 3;
                return true;
            }

            searchFrom = colon + 1;
        }

        prefixEnd = 0;
        severity = string.Empty;
        textStart = 0;
        return false;
    }

    private static string? Match(ReadOnlySpan<char> word, string[] candidates)
    {
        foreach (string candidate in candidates)
        {
            if (word.SequenceEqual(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static DateTimeOffset? FindTimestamp(ReadOnlySpan<char> prefix)
    {
        // The timestamp escape is usually first, but shapes like "< %m >" or "[%t]" put punctuation before it.
        int first = prefix.IndexOfAnyInRange('0', '9');
        if (first < 0 || first > 4)
        {
            return null;
        }

        return PostgresTimestamp.TryParse(prefix[first..], out DateTimeOffset value, out _) ? value : null;
    }

    private static bool IsSqlStatePrefix(ReadOnlySpan<char> text)
    {
        if (text.Length < 7 || text[5] != ':' || text[6] != ' ')
        {
            return false;
        }

        foreach (char c in text[..5])
        {
            if (!char.IsAsciiDigit(c) && !char.IsAsciiLetterUpper(c))
            {
                return false;
            }
        }

        return true;
    }

    private sealed class Pending
    {
        private readonly DateTimeOffset? timestamp;
        private readonly string severity;
        private readonly string? sqlState;
        private readonly StringBuilder message;
        private StringBuilder? detail;

        // Where tab-indented continuation lines go; null while inside a field that is not kept.
        private StringBuilder? lastField;

        public Pending(DateTimeOffset? timestamp, string severity, string? sqlState, ReadOnlySpan<char> message)
        {
            this.timestamp = timestamp;
            this.severity = severity;
            this.sqlState = sqlState;
            this.message = new StringBuilder().Append(message);
            lastField = this.message;
        }

        public void StartField(string name, ReadOnlySpan<char> text)
        {
            if (name == "DETAIL")
            {
                detail = new StringBuilder().Append(text);
                lastField = detail;
            }
            else
            {
                // HINT, CONTEXT, STATEMENT, ...: no event needs them, so their text is not kept.
                lastField = null;
            }
        }

        public void AppendToLastField(ReadOnlySpan<char> text) => lastField?.Append('\n').Append(text);

        public LogRecord ToRecord() => new(timestamp, severity, sqlState, message.ToString(), detail?.ToString());
    }
}

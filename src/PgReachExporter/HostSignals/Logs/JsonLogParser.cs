using System.Buffers;
using System.Text;
using System.Text.Json;
using PgReachExporter.Configuration;

namespace PgReachExporter.HostSignals;

/// <summary>
/// Parses jsonlog (PostgreSQL 15+): one object per line. Keys that are empty are left out by the server,
/// so a missing state_code means 00000.
/// </summary>
internal sealed class JsonLogParser : ILogRecordParser
{
    private static readonly byte[] TimestampKey = "timestamp"u8.ToArray();
    private static readonly byte[] SeverityKey = "error_severity"u8.ToArray();
    private static readonly byte[] StateCodeKey = "state_code"u8.ToArray();
    private static readonly byte[] MessageKey = "message"u8.ToArray();
    private static readonly byte[] DetailKey = "detail"u8.ToArray();

    public LogFormat Format => LogFormat.Json;

    public long MalformedCount { get; private set; }

    public void Feed(string line, ICollection<LogRecord> output)
    {
        if (line.Length == 0)
        {
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(line.Length));
        try
        {
            int length = Encoding.UTF8.GetBytes(line, buffer);
            if (TryParse(buffer.AsSpan(0, length)) is { } record)
            {
                output.Add(record);
            }
            else
            {
                MalformedCount++;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Every jsonlog record is one line, so nothing waits.
    public void Flush(ICollection<LogRecord> output)
    {
    }

    public void Reset()
    {
    }

    private static LogRecord? TryParse(ReadOnlySpan<byte> json)
    {
        string? timestamp = null;
        string? severity = null;
        string? stateCode = null;
        string? message = null;
        string? detail = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                Field field = Identify(ref reader);
                if (!reader.Read())
                {
                    return null;
                }

                if (field == Field.Other || reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    continue;
                }

                string? text = reader.GetString();
                switch (field)
                {
                    case Field.Timestamp: timestamp = text; break;
                    case Field.Severity: severity = text; break;
                    case Field.StateCode: stateCode = text; break;
                    case Field.Message: message = text; break;
                    case Field.Detail: detail = text; break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        if (message is null || severity is null)
        {
            return null;
        }

        DateTimeOffset? time = timestamp is not null && PostgresTimestamp.TryParse(timestamp, out DateTimeOffset value, out _) ? value : null;
        return new LogRecord(time, severity, stateCode ?? "00000", message, detail);
    }

    private static Field Identify(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals(MessageKey))
        {
            return Field.Message;
        }

        if (reader.ValueTextEquals(SeverityKey))
        {
            return Field.Severity;
        }

        if (reader.ValueTextEquals(StateCodeKey))
        {
            return Field.StateCode;
        }

        if (reader.ValueTextEquals(DetailKey))
        {
            return Field.Detail;
        }

        return reader.ValueTextEquals(TimestampKey) ? Field.Timestamp : Field.Other;
    }

    private enum Field
    {
        Other,
        Timestamp,
        Severity,
        StateCode,
        Message,
        Detail,
    }
}

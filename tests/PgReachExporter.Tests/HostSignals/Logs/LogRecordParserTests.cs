using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;

namespace PgReachExporter.Tests.HostSignals.Logs;

public sealed class LogRecordParserTests
{
    private static readonly DateTimeOffset At = new(2024, 5, 1, 12, 30, 45, 123, TimeSpan.Zero);

    [Theory]
    [InlineData("2024-05-01 12:30:45.123 UTC [4711] FATAL:  sorry, too many clients already")] // '%m [%p] '
    [InlineData("2024-05-01 12:30:45.123 UTC [4711] alice@appdb FATAL:  sorry, too many clients already")] // Debian '%m [%p] %q%u@%d '
    [InlineData("2024-05-01 12:30:45.123 UTC [4711] [unknown]@[unknown] FATAL:  sorry, too many clients already")]
    [InlineData("2024-05-01 14:30:45.123 +02 [4711]: [3-1] user=alice,db=appdb,app=psql,client=10.0.0.7 FATAL:  sorry, too many clients already")]
    [InlineData("< 2024-05-01 12:30:45.123 UTC > FATAL:  sorry, too many clients already")]
    [InlineData("1714566645.123 [4711] FATAL:  sorry, too many clients already")] // '%n [%p] '
    public void Stderr_prefix_shapes_give_time_severity_and_message(string line)
    {
        LogRecord record = Assert.Single(RecordedLogs.Parse(LogFormat.Stderr, [line]));

        Assert.Equal(new LogRecord(At, "FATAL", null, "sorry, too many clients already"), record);
    }

    [Fact]
    public void Stderr_prefix_without_milliseconds_gives_whole_seconds()
    {
        LogRecord record = Assert.Single(RecordedLogs.Parse(LogFormat.Stderr, ["2024-05-01 12:30:45 UTC [4711]: [1-1] user=,db= LOG:  x"]));

        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 30, 45, TimeSpan.Zero), record.Timestamp);
    }

    [Fact]
    public void Stderr_prefix_without_time_gives_no_timestamp()
    {
        LogRecord record = Assert.Single(RecordedLogs.Parse(LogFormat.Stderr, ["[4711] LOG:  hello"]));

        Assert.Equal(new LogRecord(null, "LOG", null, "hello"), record);
    }

    [Fact]
    public void Stderr_detail_hint_and_statement_lines_belong_to_the_record_before()
    {
        string[] lines =
        [
            "2026-11-29 11:18:08.185 UTC [8695] alice@postgres FATAL:  password authentication failed for user \"alice\"",
            "2026-11-29 11:18:08.185 UTC [8695] alice@postgres DETAIL:  Connection matched file \"/x/pg_hba.conf\" line 3: \"host all all 127.0.0.1/32 scram-sha-256\"",
            "2026-11-29 11:18:09.000 UTC [8700] bob@app ERROR:  relation \"t\" does not exist at character 15",
            "2026-11-29 11:18:09.000 UTC [8700] bob@app HINT:  Perhaps you meant \"t2\".",
            "2026-11-29 11:18:09.000 UTC [8700] bob@app STATEMENT:  select *",
            "\t  from t",
            "2026-11-29 11:18:10.000 UTC [8701] LOG:  checkpoint starting: time",
        ];

        List<LogRecord> records = RecordedLogs.Parse(LogFormat.Stderr, lines);

        Assert.Equal(3, records.Count);
        Assert.Equal("Connection matched file \"/x/pg_hba.conf\" line 3: \"host all all 127.0.0.1/32 scram-sha-256\"", records[0].Detail);
        Assert.Equal("relation \"t\" does not exist at character 15", records[1].Message);
        Assert.Null(records[1].Detail);
        Assert.Equal("checkpoint starting: time", records[2].Message);
    }

    [Fact]
    public void Stderr_tab_indented_lines_continue_the_message()
    {
        string[] lines =
        [
            "2024-05-01 12:30:45.123 UTC [1] LOG:  first line",
            "\tsecond line",
            "2024-05-01 12:30:45.123 UTC [1] DETAIL:  detail one",
            "\tdetail two",
        ];

        LogRecord record = Assert.Single(RecordedLogs.Parse(LogFormat.Stderr, lines));

        Assert.Equal(("first line\nsecond line", "detail one\ndetail two"), (record.Message, record.Detail));
    }

    [Fact]
    public void Stderr_verbose_lines_carry_the_sqlstate()
    {
        List<LogRecord> records = RecordedLogs.Parse(LogFormat.Stderr, RecordedLogs.Lines("pg15v", "cluster.log"));

        LogRecord password = records.Single(r => r.Message.StartsWith("password authentication failed", StringComparison.Ordinal));
        Assert.Equal("28P01", password.SqlState);
        Assert.StartsWith("Connection matched pg_hba.conf line 3", password.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Stderr_lines_that_are_not_log_records_are_counted_and_skipped()
    {
        ILogRecordParser parser = LogRecordParsers.Create(LogFormat.Stderr);
        var records = new List<LogRecord>();

        parser.Feed("cp: cannot stat 'pg_wal/000000010000000000000001': No such file or directory", records);
        parser.Feed("2024-05-01 12:30:45.123 UTC [1] LOG:  ok", records);
        parser.Flush(records);

        Assert.Equal(("ok", 1L), (Assert.Single(records).Message, parser.MalformedCount));
    }

    [Fact]
    public void Csv_quoted_fields_may_span_lines_and_hold_commas_and_quotes()
    {
        string[] lines =
        [
            "2024-05-01 12:30:45.123 UTC,\"bob\",\"app\",8700,\"[local]\",6b0c09f0.21f7,1,\"SELECT\",2024-05-01 12:30:40 UTC,3/7,0,ERROR,42P01,\"relation \"\"t, u\"\" does not exist\",\"line one",
            "line two\",,,,,\"select *",
            "  from \"\"t, u\"\"\",15,,\"psql\",\"client backend\",,0",
        ];

        LogRecord record = Assert.Single(RecordedLogs.Parse(LogFormat.Csv, lines));

        Assert.Equal(new LogRecord(At, "ERROR", "42P01", "relation \"t, u\" does not exist", "line one\nline two"), record);
    }

    [Fact]
    public void Csv_recorded_files_parse_without_errors()
    {
        foreach (string version in new[] { "pg15", "pg16", "pg18" })
        {
            ILogRecordParser parser = LogRecordParsers.Create(LogFormat.Csv);
            var records = new List<LogRecord>();
            foreach (string line in RecordedLogs.Lines(version, "cluster.csv"))
            {
                parser.Feed(line, records);
            }

            Assert.Equal(0, parser.MalformedCount);
            Assert.All(records, r => Assert.NotNull(r.Timestamp));
            Assert.All(records, r => Assert.Equal(5, r.SqlState?.Length));
        }
    }

    [Fact]
    public void Csv_short_record_is_counted_as_malformed()
    {
        ILogRecordParser parser = LogRecordParsers.Create(LogFormat.Csv);
        var records = new List<LogRecord>();

        parser.Feed("2024-05-01 12:30:45.123 UTC,\"bob\",\"app\"", records);

        Assert.Empty(records);
        Assert.Equal(1, parser.MalformedCount);
    }

    [Fact]
    public void Json_reads_escaped_text_and_treats_a_missing_state_code_as_success()
    {
        string line = "{\"timestamp\":\"2024-05-01 12:30:45.123 UTC\",\"error_severity\":\"LOG\",\"message\":\"a \\\"quoted\\\"\\nword \\u00e9\",\"context\":{\"nested\":[1,2]},\"detail\":\"d\"}";

        LogRecord record = Assert.Single(RecordedLogs.Parse(LogFormat.Json, [line]));

        Assert.Equal(new LogRecord(At, "LOG", "00000", "a \"quoted\"\nword \u00e9", "d"), record);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"timestamp\":\"2024-05-01 12:30:45.123 UTC\",\"message\":\"cut off")]
    [InlineData("{\"error_severity\":\"LOG\"}")]
    [InlineData("[1,2,3]")]
    public void Json_lines_that_are_not_records_are_counted_and_skipped(string line)
    {
        ILogRecordParser parser = LogRecordParsers.Create(LogFormat.Json);
        var records = new List<LogRecord>();

        parser.Feed(line, records);

        Assert.Empty(records);
        Assert.Equal(1, parser.MalformedCount);
    }

    [Theory]
    [InlineData("2024-05-01 12:30:45.123 UTC", "2024-05-01T12:30:45.123Z")]
    [InlineData("2024-05-01 14:30:45.123 +02", "2024-05-01T12:30:45.123Z")]
    [InlineData("2024-05-01 07:00:45.123 -0530", "2024-05-01T12:30:45.123Z")]
    [InlineData("2024-05-01 12:30:45 GMT", "2024-05-01T12:30:45Z")]
    [InlineData("1714566645.123", "2024-05-01T12:30:45.123Z")]
    public void Timestamps_with_a_fixed_zone_are_read(string text, string expected)
    {
        Assert.True(PostgresTimestamp.TryParse(text, out DateTimeOffset value, out _));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("2024-05-01 12:30:45.123 CST")]
    [InlineData("2024-05-01 12:30:45.123")]
    [InlineData("4711")]
    [InlineData("2024-13-01 12:30:45 UTC")]
    public void Timestamps_without_a_certain_zone_are_refused(string text)
    {
        Assert.False(PostgresTimestamp.TryParse(text, out _, out _));
    }
}

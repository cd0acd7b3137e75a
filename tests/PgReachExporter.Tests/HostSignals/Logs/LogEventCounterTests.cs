using System.Net.Sockets;
using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;

namespace PgReachExporter.Tests.HostSignals.Logs;

public sealed class LogEventCounterTests
{
    public static TheoryData<string, string> AllRecordings()
    {
        var data = new TheoryData<string, string>();
        foreach (string version in new[] { "pg15", "pg16", "pg18" })
        {
            foreach (LogFormat format in Enum.GetValues<LogFormat>())
            {
                data.Add(version, format.ToString());
            }
        }

        data.Add("pg15v", nameof(LogFormat.Stderr));
        return data;
    }

    [Theory]
    [MemberData(nameof(AllRecordings))]
    public void Every_provoked_client_and_reload_event_is_counted_once(string version, string formatName)
    {
        LogFormat format = Enum.Parse<LogFormat>(formatName);
        LogEventSnapshot snapshot = RecordedLogs.Count(format, RecordedLogs.Lines(version, "cluster." + RecordedLogs.Extension(format)));

        Assert.Equal(
            new Dictionary<LogEvent, long>
            {
                [LogEvent.CouldNotBind] = 0,
                [LogEvent.NoListenSocket] = 0,
                [LogEvent.NoHbaEntry] = 2,
                [LogEvent.HbaReject] = 1,
                [LogEvent.PasswordFailed] = 1,
                [LogEvent.TooManyClients] = 2,
                [LogEvent.HbaNotReloaded] = 1,
                [LogEvent.ConfigFileErrors] = 2,
                [LogEvent.Listening] = 4,
            },
            snapshot.Events.ToDictionary(e => e.Key, e => e.Value.Count));
        Assert.Equal(0, snapshot.Malformed);
    }

    [Theory]
    [MemberData(nameof(AllRecordings))]
    public void Bind_failures_and_the_postmaster_giving_up_are_counted(string version, string formatName)
    {
        LogFormat format = Enum.Parse<LogFormat>(formatName);
        LogEventSnapshot snapshot = RecordedLogs.Count(format, RecordedLogs.Lines(version, "bind." + RecordedLogs.Extension(format)));

        Assert.Equal(5, snapshot.Events[LogEvent.CouldNotBind].Count);
        Assert.Equal(2, snapshot.Events[LogEvent.NoListenSocket].Count);
        Assert.Equal(1, snapshot.Events[LogEvent.Listening].Count);
        Assert.Equal(0, snapshot.Events[LogEvent.PasswordFailed].Count);
    }

    [Theory]
    [MemberData(nameof(AllRecordings))]
    public void Listening_set_is_the_one_of_the_latest_start(string version, string formatName)
    {
        LogFormat format = Enum.Parse<LogFormat>(formatName);
        string extension = RecordedLogs.Extension(format);
        string[] cluster = RecordedLogs.Lines(version, "cluster." + extension);
        int port = PortOfFirstListener(cluster);

        LogEventSnapshot snapshot = RecordedLogs.Count(format, cluster);

        Assert.Equal(
            [new ListeningAddress(AddressFamily.InterNetwork, "127.0.0.1", port), new ListeningAddress(AddressFamily.InterNetworkV6, "::1", port)],
            snapshot.Listening);
        Assert.Empty(snapshot.BindFailures);
        Assert.NotNull(snapshot.LastStartAt);
    }

    [Theory]
    [MemberData(nameof(AllRecordings))]
    public void Partial_start_keeps_the_bound_address_and_the_failed_one(string version, string formatName)
    {
        LogFormat format = Enum.Parse<LogFormat>(formatName);
        string[] lines = RecordedLogs.Lines(version, "bind." + RecordedLogs.Extension(format));

        LogEventSnapshot snapshot = RecordedLogs.Count(format, lines);

        ListeningAddress only = Assert.Single(snapshot.Listening);
        Assert.Equal(("127.0.0.1", AddressFamily.InterNetwork), (only.Address, only.Family));
        Assert.Equal(
            [new BindFailure(AddressFamily.InterNetwork, "192.0.2.1", BindFailureReason.AddressNotAvailable)],
            snapshot.BindFailures);
    }

    [Theory]
    [MemberData(nameof(AllRecordings))]
    public void Counts_since_the_latest_start_leave_out_earlier_starts(string version, string formatName)
    {
        LogFormat format = Enum.Parse<LogFormat>(formatName);
        LogEventSnapshot snapshot = RecordedLogs.Count(format, RecordedLogs.Lines(version, "bind." + RecordedLogs.Extension(format)));

        // Three starts: two that bound nothing, then one that bound 127.0.0.1 but not 192.0.2.1.
        Assert.Equal(1, snapshot.SinceStart[LogEvent.CouldNotBind]);
        Assert.Equal(0, snapshot.SinceStart[LogEvent.NoListenSocket]);
        Assert.Equal(1, snapshot.SinceStart[LogEvent.Listening]);
        Assert.Equal(5, snapshot.Events[LogEvent.CouldNotBind].Count);
    }

    [Fact]
    public void Failed_start_leaves_no_listener_and_names_what_failed()
    {
        string[] lines = RecordedLogs.Lines("pg18", "bind.log");
        int secondStart = Array.FindIndex(lines, 1, l => l.Contains("LOG:  starting PostgreSQL", StringComparison.Ordinal));
        int thirdStart = Array.FindIndex(lines, secondStart + 1, l => l.Contains("LOG:  starting PostgreSQL", StringComparison.Ordinal));

        LogEventSnapshot snapshot = RecordedLogs.Count(LogFormat.Stderr, lines[..thirdStart]);

        Assert.Empty(snapshot.Listening);
        Assert.Equal(
            [
                new BindFailure(AddressFamily.InterNetwork, "192.0.2.1", BindFailureReason.AddressNotAvailable),
                new BindFailure(AddressFamily.InterNetworkV6, "2001:db8::1", BindFailureReason.AddressNotAvailable),
            ],
            snapshot.BindFailures);
    }

    [Fact]
    public void Listening_lines_without_a_start_line_replace_the_previous_set_after_ready()
    {
        string[] lines =
        [
            "2024-05-01 10:00:00.000 UTC [10] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432",
            "2024-05-01 10:00:00.100 UTC [10] LOG:  database system is ready to accept connections",
            "2024-05-01 11:00:00.000 UTC [20] LOG:  listening on IPv4 address \"127.0.0.1\", port 5433",
        ];

        LogEventSnapshot snapshot = RecordedLogs.Count(LogFormat.Stderr, lines);

        Assert.Equal([new ListeningAddress(AddressFamily.InterNetwork, "127.0.0.1", 5433)], snapshot.Listening);
        Assert.Equal(DateTimeOffset.Parse("2024-05-01T11:00:00Z"), snapshot.LastStartAt);
    }

    [Fact]
    public void Last_event_time_is_the_log_time_when_the_line_has_one()
    {
        string[] lines = RecordedLogs.Lines("pg16", "cluster.json");

        LogEventSnapshot snapshot = RecordedLogs.Count(LogFormat.Json, lines);

        Assert.Equal(DateTimeOffset.Parse("2026-11-29T11:18:20.456Z"), snapshot.Events[LogEvent.PasswordFailed].LastAt);
        Assert.Null(snapshot.Events[LogEvent.CouldNotBind].LastAt);
    }

    [Fact]
    public void Last_event_time_falls_back_to_the_clock_when_the_zone_is_ambiguous()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2030-01-02T03:04:05Z"));
        var counter = new LogEventCounter(LogFormat.Stderr, clock);

        counter.Add(new LogLineBatch("x", ["2024-01-09 14:07:28.130 CST [168818] FATAL:  sorry, too many clients already"], true));

        Assert.Equal(clock.GetUtcNow(), counter.Snapshot().Events[LogEvent.TooManyClients].LastAt);
    }

    [Fact]
    public void Events_split_over_batches_are_counted_once()
    {
        string[] lines = RecordedLogs.Lines("pg15", "cluster.csv");
        var counter = new LogEventCounter(LogFormat.Csv);

        foreach (string[] chunk in lines.Chunk(3))
        {
            counter.Add(new LogLineBatch("x", chunk, StartsNewFile: false));
        }

        LogEventSnapshot snapshot = counter.Snapshot();
        Assert.Equal(lines.Length, snapshot.Lines);
        Assert.Equal(2, snapshot.Events[LogEvent.NoHbaEntry].Count);
        Assert.Equal(4, snapshot.Events[LogEvent.Listening].Count);
    }

    private static int PortOfFirstListener(string[] lines)
    {
        string line = lines.First(l => l.Contains("listening on IPv4 address", StringComparison.Ordinal));
        int at = line.IndexOf("port ", StringComparison.Ordinal) + 5;
        return int.Parse(new string(line[at..].TakeWhile(char.IsAsciiDigit).ToArray()), System.Globalization.CultureInfo.InvariantCulture);
    }
}

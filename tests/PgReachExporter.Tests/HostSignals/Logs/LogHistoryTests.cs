using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;

namespace PgReachExporter.Tests.HostSignals.Logs;

/// <summary>Reading back the current postmaster's start-up lines from a log written before the agent looked.</summary>
public sealed class LogHistoryTests
{
    private const string Prefix = "2026-12-01 10:00:00.000 UTC [100] ";
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);

    private static string[] Start(string bind) =>
    [
        Prefix + "LOG:  starting PostgreSQL 16.4 on x86_64-pc-linux-gnu, compiled by gcc, 64-bit",
        Prefix + "LOG:  listening on IPv4 address \"127.0.0.1\", port 5432",
        Prefix + $"LOG:  could not bind IPv4 address \"{bind}\": Address already in use",
        Prefix + "LOG:  database system is ready to accept connections",
    ];

    private static List<LogLineBatch> History(LogLocation location, string current)
    {
        using var handle = File.OpenHandle(current);
        var end = RandomAccess.GetLength(handle);
        return [.. LogHistory.Locate(location, current, handle, end, Now).SelectMany(r => LogHistory.Read(r, null, 64 * 1024, 4096))];
    }

    [Fact]
    public void Replay_begins_at_the_last_start_in_the_current_file()
    {
        using var dir = new TempLogDirectory();
        var path = dir.File("postgresql.log");
        TempLogDirectory.Append(path, [.. Start("10.0.0.1"), Prefix + "LOG:  received fast shutdown request", .. Start("10.0.0.2"), Prefix + "LOG:  checkpoint starting"]);

        var batches = History(LogLocation.Parse(path, LogFormat.Stderr), path);

        var lines = batches.SelectMany(b => b.Lines).ToList();
        Assert.All(batches, b => Assert.True(b.History));
        Assert.Equal(5, lines.Count);
        Assert.StartsWith(Prefix + "LOG:  starting PostgreSQL", lines[0], StringComparison.Ordinal);
        Assert.Contains("10.0.0.2", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_that_rotated_since_the_start_is_read_back_from_the_earlier_file_of_the_glob()
    {
        using var dir = new TempLogDirectory();
        var earlier = dir.File("postgresql-1.log");
        var current = dir.File("postgresql-2.log");
        TempLogDirectory.Append(earlier, [Prefix + "LOG:  old", .. Start("10.0.0.3"), Prefix + "LOG:  before rotation"]);
        File.SetLastWriteTimeUtc(earlier, Now.UtcDateTime.AddHours(-2));
        TempLogDirectory.Append(current, [Prefix + "LOG:  after rotation"]);

        var batches = History(LogLocation.Parse(Path.Combine(dir.Path, "postgresql-*.log"), LogFormat.Stderr), current);

        Assert.Equal([earlier, current], batches.Select(b => b.FilePath).Distinct());
        Assert.Equal(6, batches.Sum(b => b.Lines.Count));
        Assert.All(batches, b => Assert.True(b.StartsNewFile));
    }

    [Fact]
    public void Files_older_than_the_look_back_and_logs_without_a_start_give_nothing()
    {
        using var dir = new TempLogDirectory();
        var old = dir.File("postgresql-1.log");
        var current = dir.File("postgresql-2.log");
        TempLogDirectory.Append(old, Start("10.0.0.3"));
        File.SetLastWriteTimeUtc(old, Now.UtcDateTime - LogHistory.MaxAge - TimeSpan.FromHours(1));
        TempLogDirectory.Append(current, [Prefix + "LOG:  no start here"]);

        Assert.Empty(History(LogLocation.Parse(Path.Combine(dir.Path, "postgresql-*.log"), LogFormat.Stderr), current));
        Assert.Empty(History(LogLocation.Parse(current, LogFormat.Stderr), current));
    }

    [Fact]
    public void A_marker_in_a_line_longer_than_a_chunk_still_starts_at_its_line()
    {
        using var dir = new TempLogDirectory();
        var path = dir.File("postgresql.log");
        var longLine = Prefix + "LOG:  starting PostgreSQL 16.4 " + new string('x', 1_100_000);
        TempLogDirectory.Append(path, ["before", longLine, "after"]);

        using var handle = File.OpenHandle(path);
        var region = Assert.Single(LogHistory.Locate(LogLocation.Parse(path, LogFormat.Stderr), path, handle, RandomAccess.GetLength(handle), Now));

        Assert.Equal("before\n".Length, region.Start);
    }

    [Fact]
    public void History_sets_what_holds_since_the_start_without_counting_events()
    {
        var counter = new LogEventCounter(LogFormat.Stderr);

        counter.Add(new LogLineBatch("postgresql.log", Start("10.0.0.2"), StartsNewFile: true) { History = true });
        var snapshot = counter.Snapshot();

        Assert.Equal(0, snapshot.Events[LogEvent.CouldNotBind].Count);
        Assert.Null(snapshot.Events[LogEvent.CouldNotBind].LastAt);
        Assert.Equal(0, snapshot.Lines);
        Assert.Equal(1, snapshot.SinceStart[LogEvent.CouldNotBind]);
        Assert.True(snapshot.LastSinceStart.ContainsKey(LogEvent.CouldNotBind));
        Assert.Equal("10.0.0.2", Assert.Single(snapshot.BindFailures).Address);
        Assert.Equal("127.0.0.1", Assert.Single(snapshot.Listening).Address);
    }
}

using System.Text;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Win32.SafeHandles;
using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;

namespace PgReachExporter.Tests.HostSignals.Logs;

public sealed class LogTailerTests
{
    private static readonly LogTailerOptions Fast = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(200),
        RetryBaseDelay = TimeSpan.FromMilliseconds(50),
        RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        VanishedFileGrace = TimeSpan.FromMilliseconds(400),
    };

    // Driven by a fake clock only: the tailer looks at the files when the test advances time.
    private static readonly LogTailerOptions Manual = new()
    {
        PollInterval = TimeSpan.FromSeconds(1),
        RetryBaseDelay = TimeSpan.FromSeconds(1),
        RetryMaxDelay = TimeSpan.FromSeconds(4),
        UseFileSystemWatcher = false,
    };

    [Fact]
    public async Task Lines_already_in_the_file_at_start_up_are_not_replayed()
    {
        using var dir = new TempLogDirectory();
        string path = dir.File("postgresql.log");
        TempLogDirectory.Append(path, TempLogDirectory.Numbered("old", 0, 100));
        await using var run = new TailerHarness(new LogTailer(LogLocation.Parse(path, LogFormat.Stderr), Fast));
        await run.UntilFollowingAsync();

        TempLogDirectory.Append(path, TempLogDirectory.Numbered("new", 0, 3));
        await run.UntilLinesAsync(3);

        Assert.Equal(TempLogDirectory.Numbered("new", 0, 3), run.Lines);
        Assert.True(Assert.Single(run.Batches).StartsNewFile);
    }

    [Theory]
    [InlineData("fifo")]
    [InlineData("/dev/zero")]
    public async Task A_path_that_is_not_a_regular_file_is_reported_and_never_opened(string kind)
    {
        using var dir = new TempLogDirectory();
        string path = kind == "fifo" ? dir.File("postgresql.log") : kind;
        if (kind == "fifo")
        {
            using var mkfifo = System.Diagnostics.Process.Start("mkfifo", path)!;
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var run = new TailerHarness(new LogTailer(LogLocation.Parse(path, LogFormat.Stderr), Fast));
        await run.UntilAsync(() => run.Tailer.Health().LastError?.Contains("is not a regular file", StringComparison.Ordinal) == true, "the refusal");

        Assert.Equal(LogTailerState.Failing, run.Tailer.Health().State);
        Assert.Empty(run.Lines);
        // Stopping is bounded: nothing blocks on the FIFO or spins on the device.
        await run.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_line_being_written_at_start_up_is_skipped_whole()
    {
        using var dir = new TempLogDirectory();
        string path = dir.File("postgresql.log");
        File.WriteAllText(path, "complete\nhalf of a li");
        await using var run = new TailerHarness(new LogTailer(LogLocation.Parse(path, LogFormat.Stderr), Fast));
        await run.UntilFollowingAsync();

        File.AppendAllText(path, "ne\nnext\n");
        await run.UntilLinesAsync(1);

        Assert.Equal(["next"], run.Lines);
    }

    [Fact]
    public async Task Partial_last_line_waits_for_its_newline()
    {
        using var dir = new TempLogDirectory();
        string path = dir.File("postgresql.log");
        File.WriteAllText(path, string.Empty);
        await using var run = new TailerHarness(new LogTailer(LogLocation.Parse(path, LogFormat.Stderr), Fast));
        await run.UntilFollowingAsync();

        File.AppendAllText(path, "first half ");
        await run.UntilAsync(() => run.Tailer.Health().FilesOpened == 1, "open");
        File.AppendAllText(path, "second half\r\nnext\n");
        await run.UntilLinesAsync(2);

        Assert.Equal(["first half second half", "next"], run.Lines);
    }

    [Fact]
    public async Task Very_long_line_is_dropped_counted_and_reading_resumes_at_the_next_line()
    {
        using var dir = new TempLogDirectory();
        string path = dir.File("postgresql.log");
        File.WriteAllText(path, string.Empty);
        await using var run = new TailerHarness(new LogTailer(LogLocation.Parse(path, LogFormat.Stderr), Fast with { MaxLineBytes = 1024 }));
        await run.UntilFollowingAsync();

        File.AppendAllText(path, "before\n" + new string('x', 3000));
        File.AppendAllText(path, new string('y', 3000) + "\nafter\n" + new string('z', 1025) + "\nlast\n");
        await run.UntilLinesAsync(3);

        Assert.Equal(["before", "after", "last"], run.Lines);
        Assert.Equal(2, run.Tailer.Health().ReadErrors[LogReadError.LineTooLong]);
    }

    [Fact]
    public async Task Invalid_utf8_is_read_with_replacement_characters_and_counted()
    {
        using var dir = new TempLogDirectory();
        string path = dir.File("postgresql.log");
        File.WriteAllText(path, string.Empty);
        await using var run = new TailerHarness(new LogTailer(LogLocation.Parse(path, LogFormat.Stderr), Fast));
        await run.UntilFollowingAsync();

        using (FileStream stream = new(path, FileMode.Append))
        {
            stream.Write([(byte)'f', 0xFF, (byte)'o', 0xC3, (byte)'\n', (byte)'o', (byte)'k', 0xC3, 0xA9, (byte)'\n']);
        }

        await run.UntilLinesAsync(2);

        Assert.Equal(["f\uFFFDo\uFFFD", "ok\u00E9"], run.Lines);
        Assert.Equal(1, run.Tailer.Health().ReadErrors[LogReadError.Decode]);
    }

    [Fact]
    public async Task Rename_rotation_while_writing_loses_and_repeats_no_line()
    {
        using var dir = new TempLogDirectory();
        string path = dir.File("postgresql.log");
        File.WriteAllText(path, "old\n");
        await using var run = new TailerHarness(new LogTailer(LogLocation.Parse(path, LogFormat.Stderr), Fast));
        await run.UntilFollowingAsync();

        const int Lines = 3000;
        int rotations = 0;
        for (int i = 0; i < Lines; i += 50)
        {
            TempLogDirectory.Append(path, TempLogDirectory.Numbered("w", i, 50));
            if (i % 500 == 0 && i > 0)
            {
                // The write just before created a fresh file after the rename. Rotations are hours apart in
                // production: let the tailer reach it before the next rename, as two renames before it
                // looks again would take the middle file out of its reach.
                int opened = rotations;
                await run.UntilAsync(() => run.Tailer.Health().FilesOpened > opened, "switch to the new file");
            }

            if (i % 500 == 450)
            {
                // logrotate's default: rename, and the next write creates a fresh file. The tailer is
                // usually behind at this moment, so the old file's last lines come through its open handle.
                File.Move(path, dir.File($"postgresql.log.{i}"));
                rotations++;
            }
        }

        await run.UntilLinesAsync(Lines);

        Assert.Equal(TempLogDirectory.Numbered("w", 0, Lines), run.Lines);
        Assert.True(run.Tailer.Health().FilesOpened >= 2);
    }

    [Fact]
    public async Task Copy_truncate_while_writing_loses_and_repeats_no_line_read_before_it()
    {
        using var dir = new TempLogDirectory();
        string path = dir.File("postgresql.log");
        File.WriteAllText(path, "old\n");
        await using var run = new TailerHarness(new LogTailer(LogLocation.Parse(path, LogFormat.Stderr), Fast));
        await run.UntilFollowingAsync();

        int written = 0;
        for (int round = 0; round < 5; round++)
        {
            TempLogDirectory.Append(path, TempLogDirectory.Numbered("w", written, 200));
            written += 200;
            await run.UntilLinesAsync(written);
            File.Copy(path, dir.File($"postgresql.log.{round}"));
            using (var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                truncate.SetLength(0);
            }
        }

        TempLogDirectory.Append(path, TempLogDirectory.Numbered("w", written, 10));
        await run.UntilLinesAsync(written + 10);

        Assert.Equal(TempLogDirectory.Numbered("w", 0, written + 10), run.Lines);
    }

    [Fact]
    public async Task Truncated_file_that_grew_past_the_old_position_before_the_next_look_is_read_from_the_start()
    {
        using var dir = new TempLogDirectory();
        string path = dir.File("postgresql.log");
        File.WriteAllText(path, string.Empty);
        var time = new FakeTimeProvider();
        await using var run = new TailerHarness(new LogTailer(LogLocation.Parse(path, LogFormat.Stderr), Manual, time));
        await run.UntilFollowingAsync(time);
        TempLogDirectory.Append(path, TempLogDirectory.Numbered("a", 0, 10));
        await run.UntilLinesAsync(10, time);

        File.Copy(path, dir.File("postgresql.log.1"));
        using (var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            truncate.SetLength(0);
        }

        TempLogDirectory.Append(path, TempLogDirectory.Numbered("b", 0, 30));
        await run.UntilLinesAsync(40, time);

        Assert.Equal(TempLogDirectory.Numbered("a", 0, 10).Concat(TempLogDirectory.Numbered("b", 0, 30)), run.Lines);
    }

    [Fact]
    public async Task Deleted_and_recreated_file_is_followed_from_its_start()
    {
        using var dir = new TempLogDirectory();
        string path = dir.File("postgresql.log");
        File.WriteAllText(path, string.Empty);
        await using var run = new TailerHarness(new LogTailer(LogLocation.Parse(path, LogFormat.Stderr), Fast));
        await run.UntilFollowingAsync();

        TempLogDirectory.Append(path, TempLogDirectory.Numbered("a", 0, 100));
        await run.UntilLinesAsync(100);
        File.Delete(path);
        await run.UntilAsync(() => run.Tailer.Health().State == LogTailerState.Missing, "missing");
        TempLogDirectory.Append(path, TempLogDirectory.Numbered("b", 0, 100));
        await run.UntilLinesAsync(200);

        Assert.Equal(TempLogDirectory.Numbered("a", 0, 100).Concat(TempLogDirectory.Numbered("b", 0, 100)), run.Lines);
        Assert.Equal(LogTailerState.Following, run.Tailer.Health().State);
    }

    [Fact]
    public async Task Lines_written_to_a_renamed_file_before_a_new_one_takes_its_path_are_read()
    {
        using var dir = new TempLogDirectory();
        string path = dir.File("postgresql.log");
        File.WriteAllText(path, string.Empty);
        await using var run = new TailerHarness(new LogTailer(LogLocation.Parse(path, LogFormat.Stderr), Fast));
        await run.UntilFollowingAsync();
        TempLogDirectory.Append(path, TempLogDirectory.Numbered("a", 0, 10));
        await run.UntilLinesAsync(10);

        // logrotate renames; the server writes on into the renamed file until it is told to reopen its log.
        File.Move(path, dir.File("postgresql.log.1"));
        TempLogDirectory.Append(dir.File("postgresql.log.1"), TempLogDirectory.Numbered("b", 0, 10));
        await run.UntilLinesAsync(20);
        TempLogDirectory.Append(path, TempLogDirectory.Numbered("c", 0, 10));
        await run.UntilLinesAsync(30);

        Assert.Equal(
            TempLogDirectory.Numbered("a", 0, 10).Concat(TempLogDirectory.Numbered("b", 0, 10)).Concat(TempLogDirectory.Numbered("c", 0, 10)),
            run.Lines);
        Assert.Equal(LogTailerState.Following, run.Tailer.Health().State);
    }

    [Fact]
    public async Task Glob_that_falls_back_on_an_older_file_does_not_replay_it()
    {
        using var dir = new TempLogDirectory();
        string older = dir.File("postgresql-Mon.log");
        string newest = dir.File("postgresql-Tue.log");
        TempLogDirectory.Append(older, TempLogDirectory.Numbered("old", 0, 20));
        File.SetLastWriteTimeUtc(older, DateTime.UtcNow.AddDays(-1));
        File.WriteAllText(newest, string.Empty);
        await using var run = new TailerHarness(new LogTailer(LogLocation.Parse(dir.File("postgresql-*.log"), LogFormat.Stderr), Fast));
        await run.UntilFollowingAsync();
        TempLogDirectory.Append(newest, TempLogDirectory.Numbered("a", 0, 5));
        await run.UntilLinesAsync(5);

        File.Delete(newest);
        await run.UntilAsync(() => run.Tailer.Health().CurrentFile == older, "fall back on the older file");
        TempLogDirectory.Append(older, TempLogDirectory.Numbered("b", 0, 5));
        await run.UntilLinesAsync(10);

        Assert.Equal(TempLogDirectory.Numbered("a", 0, 5).Concat(TempLogDirectory.Numbered("b", 0, 5)), run.Lines);
    }

    [Fact]
    public async Task Missing_file_is_reported_and_read_whole_once_it_appears()
    {
        using var dir = new TempLogDirectory();
        string path = dir.File("sub/postgresql.log");
        await using var run = new TailerHarness(new LogTailer(LogLocation.Parse(path, LogFormat.Stderr), Fast));

        await run.UntilAsync(() => run.Tailer.Health().ReadErrors[LogReadError.Missing] == 1, "missing reported");
        Assert.Equal(LogTailerState.Missing, run.Tailer.Health().State);
        Directory.CreateDirectory(dir.File("sub"));
        File.AppendAllLines(path, TempLogDirectory.Numbered("a", 0, 5), Encoding.UTF8); // with a byte-order mark
        await run.UntilLinesAsync(5);

        Assert.Equal(TempLogDirectory.Numbered("a", 0, 5), run.Lines);
        Assert.Equal(1, run.Tailer.Health().ReadErrors[LogReadError.Missing]);
    }

    // Root (which runs these tests) bypasses file modes, so chmod 000 cannot produce EACCES here: the
    // open function is replaced to fail the way File.OpenHandle fails for an unreadable file.
    [Fact]
    public async Task Unreadable_new_file_after_rotation_is_reported_retried_with_backoff_and_read_once_readable()
    {
        using var dir = new TempLogDirectory();
        string path = dir.File("postgresql.log");
        File.WriteAllText(path, string.Empty);
        var time = new FakeTimeProvider();
        int denied = 0;
        bool readable = true;
        SafeFileHandle Open(string p)
        {
            if (!Volatile.Read(ref readable))
            {
                Interlocked.Increment(ref denied);
                throw new UnauthorizedAccessException($"Access to the path '{p}' is denied.");
            }

            return File.OpenHandle(p, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }

        await using var run = new TailerHarness(new LogTailer(LogLocation.Parse(path, LogFormat.Stderr), Manual, time, openFile: Open));
        await run.UntilFollowingAsync(time);
        TempLogDirectory.Append(path, TempLogDirectory.Numbered("a", 0, 10));
        await run.UntilLinesAsync(10, time);

        Volatile.Write(ref readable, false);
        File.Move(path, dir.File("postgresql.log.1"));
        TempLogDirectory.Append(path, TempLogDirectory.Numbered("b", 0, 10));
        await run.UntilAsync(() => Volatile.Read(ref denied) >= 3, "three denied attempts", time);

        LogTailerHealth health = run.Tailer.Health();
        Assert.Equal((LogTailerState.PermissionDenied, 1L), (health.State, health.ReadErrors[LogReadError.PermissionDenied]));
        Volatile.Write(ref readable, true);
        await run.UntilLinesAsync(20, time);

        Assert.Equal(TempLogDirectory.Numbered("a", 0, 10).Concat(TempLogDirectory.Numbered("b", 0, 10)), run.Lines);
        Assert.Equal(LogTailerState.Following, run.Tailer.Health().State);
    }

    [Fact]
    public async Task Glob_follows_the_newest_file_and_finishes_the_old_one_first()
    {
        using var dir = new TempLogDirectory();
        string first = dir.File("postgresql-2024-05-01.log");
        string second = dir.File("postgresql-2024-05-02.log");
        File.WriteAllText(dir.File("postgresql-2024-04-30.log"), "older\n");
        File.SetLastWriteTimeUtc(dir.File("postgresql-2024-04-30.log"), DateTime.UtcNow.AddDays(-1));
        File.WriteAllText(first, "existing\n");
        await using var run = new TailerHarness(new LogTailer(LogLocation.Parse(dir.File("postgresql-*.log"), LogFormat.Stderr), Fast));
        await run.UntilFollowingAsync();
        Assert.Equal(first, run.Tailer.Health().CurrentFile);

        TempLogDirectory.Append(first, TempLogDirectory.Numbered("a", 0, 50));
        TempLogDirectory.Append(second, TempLogDirectory.Numbered("b", 0, 50));
        File.SetLastWriteTimeUtc(second, DateTime.UtcNow.AddSeconds(5));
        await run.UntilLinesAsync(100);

        Assert.Equal(TempLogDirectory.Numbered("a", 0, 50).Concat(TempLogDirectory.Numbered("b", 0, 50)), run.Lines);
        Assert.Equal(second, run.Tailer.Health().CurrentFile);
    }

    [Fact]
    public async Task Data_directory_log_folder_follows_the_files_of_the_configured_format()
    {
        using var dir = new TempLogDirectory();
        File.WriteAllText(dir.File("postgresql-Mon.csv"), string.Empty);
        File.WriteAllText(dir.File("postgresql-Mon.log"), string.Empty);
        await using var run = new TailerHarness(new LogTailer(LogLocation.Parse(dir.Path, LogFormat.Csv), Fast));
        await run.UntilFollowingAsync();

        TempLogDirectory.Append(dir.File("postgresql-Mon.log"), ["stderr"]);
        TempLogDirectory.Append(dir.File("postgresql-Mon.csv"), ["csv"]);
        await run.UntilLinesAsync(1);

        Assert.Equal(["csv"], run.Lines);
    }

    [Fact]
    public async Task File_unreadable_at_start_up_is_read_from_its_end_once_readable()
    {
        using var dir = new TempLogDirectory();
        string path = dir.File("postgresql.log");
        TempLogDirectory.Append(path, TempLogDirectory.Numbered("old", 0, 10));
        var time = new FakeTimeProvider();
        bool readable = false;
        SafeFileHandle Open(string p) => Volatile.Read(ref readable)
            ? File.OpenHandle(p, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete)
            : throw new UnauthorizedAccessException($"Access to the path '{p}' is denied.");

        await using var run = new TailerHarness(new LogTailer(LogLocation.Parse(path, LogFormat.Stderr), Manual, time, openFile: Open));
        await run.UntilAsync(() => run.Tailer.Health().State == LogTailerState.PermissionDenied, "permission denied");
        Volatile.Write(ref readable, true);
        await run.UntilFollowingAsync(time);
        TempLogDirectory.Append(path, TempLogDirectory.Numbered("new", 0, 2));
        await run.UntilLinesAsync(2, time);

        Assert.Equal(TempLogDirectory.Numbered("new", 0, 2), run.Lines);
        Assert.Equal(1, run.Tailer.Health().ReadErrors[LogReadError.PermissionDenied]);
    }
}

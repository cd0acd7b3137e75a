using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;
using Polly;
using Polly.Retry;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;

namespace PgReachExporter.HostSignals;

/// <summary>
/// Follows a PostgreSQL log file (or the newest file of a glob) and hands on complete lines in batches.
/// Starts at the end of the file present at start-up, survives rotation by rename, copy-truncate,
/// deletion and re-creation, a missing file and permission problems (retried with backoff), and never
/// throws for any of them: they show in <see cref="Health"/>. Sleeps between inotify wake-ups, with a
/// slow poll as fallback. One reader at a time.
/// </summary>
internal sealed partial class LogTailer : IServerLogSource
{
    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private readonly LogLocation location;
    private readonly LogTailerOptions options;
    private readonly TimeProvider timeProvider;
    private readonly Func<string, SafeFileHandle> openFile;
    private readonly ILogger logger;
    private readonly ResiliencePipeline openPipeline;
    private readonly LineAssembler assembler;
    private readonly byte[] readBuffer = new byte[64 * 1024];
    private readonly Lock gate = new();
    private readonly long[] errorCounts = new long[LogReadErrorLabels.All.Count];

    private FollowedLogFile? file;
    private IReadOnlyList<LogRegion> pendingHistory = [];
    private DateTime? previousFileWrittenUtc;
    private bool seekToEndOnOpen;
    private bool nextBatchStartsFile = true;
    private int consecutiveMissing;
    private int reading;

    // Guarded by gate: what Health() reports.
    private long lineCount;
    private long filesOpened;
    private LogTailerState state = LogTailerState.Starting;
    private string? lastError;
    private LogReadError? episode;
    private bool watching;

    /// <param name="location">What to follow.</param>
    /// <param name="options">Tuning; null for the defaults.</param>
    /// <param name="timeProvider">Clock for the poll and the retry backoff.</param>
    /// <param name="logger">Receives state changes (missing, denied, recovered, rotated).</param>
    /// <param name="openFile">Opens a file for reading; replaceable so tests can make opening fail.</param>
    public LogTailer(
        LogLocation location,
        LogTailerOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger<LogTailer>? logger = null,
        Func<string, SafeFileHandle>? openFile = null)
    {
        this.location = location;
        this.options = options ?? new LogTailerOptions();
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.logger = logger ?? NullLogger<LogTailer>.Instance;
        this.openFile = openFile ?? OpenForReading;
        assembler = new LineAssembler(this.options.MaxLineBytes);
        openPipeline = new ResiliencePipelineBuilder { TimeProvider = this.timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                Name = "log-open",
                ShouldHandle = new PredicateBuilder().Handle<UnauthorizedAccessException>().Handle<IOException>(),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = this.options.RetryBaseDelay,
                MaxDelay = this.options.RetryMaxDelay,
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is { } failure)
                    {
                        Fail(failure is UnauthorizedAccessException ? LogReadError.PermissionDenied : LogReadError.Io, failure.Message);
                    }

                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public LogLocation Location => location;

    public string Description => Path.Combine(location.Directory, location.FilePattern);

    public LogTailerHealth Health()
    {
        lock (gate)
        {
            ImmutableDictionary<LogReadError, long>.Builder errors = ImmutableDictionary.CreateBuilder<LogReadError, long>();
            foreach (LogReadError error in LogReadErrorLabels.All)
            {
                errors[error] = errorCounts[(int)error];
            }

            return new LogTailerHealth(file?.Path, state, lineCount, errors.ToImmutable(), filesOpened, watching, lastError);
        }
    }

    /// <summary>Complete lines as they are written, until cancelled; ends quietly on cancellation.</summary>
    public async IAsyncEnumerable<LogLineBatch> ReadBatchesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref reading, 1) == 1)
        {
            throw new InvalidOperationException("A LogTailer has one reader at a time.");
        }

        using var wakeup = new DirectoryWakeup(location, options.UseFileSystemWatcher);
        seekToEndOnOpen = options.StartAtEnd;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                wakeup.Arm();
                lock (gate)
                {
                    watching = wakeup.Watching;
                }

                if (file is null)
                {
                    await TryOpenAsync(cancellationToken).ConfigureAwait(false);
                    if (cancellationToken.IsCancellationRequested)
                    {
                        break;
                    }

                    foreach (LogLineBatch batch in TakeHistory())
                    {
                        yield return batch;
                    }
                }

                wakeup.FollowedName = file is null ? null : Path.GetFileName(file.Path);

                if (file is not null)
                {
                    while (ReadAvailable() is { } batch)
                    {
                        yield return batch;
                    }

                    if (FileWasReplaced(wakeup.TakeNamesChanged()))
                    {
                        // Lines written to the old file up to this moment are still read before moving on.
                        while (ReadAvailable() is { } batch)
                        {
                            yield return batch;
                        }

                        CloseFile();
                        continue;
                    }
                }

                if (!await WaitAsync(wakeup, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        finally
        {
            CloseFile();
            Volatile.Write(ref reading, 0);
        }
    }

    /// <summary>Every line, one at a time (a convenience over <see cref="ReadBatchesAsync"/>).</summary>
    public async IAsyncEnumerable<string> ReadLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (LogLineBatch batch in ReadBatchesAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (string line in batch.Lines)
            {
                yield return line;
            }
        }
    }

    private static SafeFileHandle OpenForReading(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    private async Task<bool> WaitAsync(DirectoryWakeup wakeup, CancellationToken cancellationToken)
    {
        try
        {
            await wakeup.WaitAsync(options.PollInterval, timeProvider, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task TryOpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            file = await openPipeline.ExecuteAsync(static (self, _) => ValueTask.FromResult(self.OpenCurrent()), this, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            file = null;
        }
    }

    // One attempt; permission and I/O errors are thrown for the retry pipeline, absence is an answer.
    private FollowedLogFile? OpenCurrent()
    {
        string? path = location.CurrentFile();
        if (path is not null && FileKind.Of(path) is FileKind.Kind.Directory or FileKind.Kind.Other)
        {
            // A device, FIFO, socket or directory in the log's place: opening a FIFO blocks and /dev/zero never ends, so
            // it is never opened; looked at again at the next poll, in case a real log file takes the path.
            Fail(LogReadError.Io, $"{path} is not a regular file; the server log must be one");
            seekToEndOnOpen = false;
            return null;
        }

        SafeFileHandle? handle = null;
        try
        {
            handle = path is null ? null : openFile(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            handle = null;
        }

        if (path is null || handle is null)
        {
            seekToEndOnOpen = false;
            if (++consecutiveMissing >= 2)
            {
                // The second look in a row: a rename rotation's short gap before the new file is not an error.
                Fail(LogReadError.Missing, $"no file at {Path.Combine(location.Directory, location.FilePattern)}");
            }
            else
            {
                SetState(LogTailerState.Missing);
            }

            return null;
        }

        consecutiveMissing = 0;
        var opened = new FollowedLogFile(path, handle, FileIdentity.Of(handle)) { LastGrowth = timeProvider.GetTimestamp() };
        if (seekToEndOnOpen || WrittenBeforePreviousFile(handle))
        {
            // At start-up, or a file older than the one just left (the newest was deleted and a glob fell back on
            // an earlier file): what is in it was written before our reading point and is not replayed as events.
            bool startUp = seekToEndOnOpen;
            seekToEndOnOpen = false;
            assembler.Clear();
            StartAtEnd(opened);
            if (startUp)
            {
                // The current postmaster's start-up lines, written before we looked, are still its evidence.
                pendingHistory = LocateHistory(opened);
            }
        }
        else
        {
            assembler.Clear();
        }

        nextBatchStartsFile = true;
        lock (gate)
        {
            filesOpened++;
            if (episode is not null)
            {
                LogRecovered(logger, path);
            }

            episode = null;
            state = LogTailerState.Following;
        }

        LogFollowing(logger, path, opened.Position);
        return opened;
    }

    private IReadOnlyList<LogRegion> LocateHistory(FollowedLogFile opened)
    {
        try
        {
            return LogHistory.Locate(location, opened.Path, opened.Handle, opened.Position, timeProvider.GetUtcNow());
        }
        catch (IOException e)
        {
            LogHistoryUnreadable(logger, opened.Path, e.Message);
            return [];
        }
    }

    // Handed on batch by batch before the live lines (never all at once: up to 64 MB of log); a file that fails
    // part-way gives what was read, and the live reading goes on.
    private IEnumerable<LogLineBatch> TakeHistory()
    {
        IReadOnlyList<LogRegion> regions = pendingHistory;
        pendingHistory = [];
        long lines = 0;
        foreach (LogRegion region in regions)
        {
            SafeFileHandle? open = file is { } current && current.Path == region.Path ? current.Handle : null;
            using IEnumerator<LogLineBatch> batches = LogHistory.Read(region, open, options.MaxLineBytes, options.MaxBatchLines).GetEnumerator();
            while (NextHistoryBatch(batches, region.Path) is { } batch)
            {
                lines += batch.Lines.Count;
                yield return batch;
            }
        }

        if (lines > 0)
        {
            LogHistoryRead(logger, regions[0].Path, regions[0].Start, lines);
        }
    }

    private LogLineBatch? NextHistoryBatch(IEnumerator<LogLineBatch> batches, string path)
    {
        try
        {
            return batches.MoveNext() ? batches.Current : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogHistoryUnreadable(logger, path, e.Message);
            return null;
        }
    }

    private void StartAtEnd(FollowedLogFile opened)
    {
        long length = RandomAccess.GetLength(opened.Handle);
        int tail = (int)Math.Min(FollowedLogFile.TailFingerprintBytes, length);
        opened.Position = length;
        if (tail == 0)
        {
            return;
        }

        Span<byte> last = stackalloc byte[tail];
        int read = RandomAccess.Read(opened.Handle, last, length - tail);
        opened.RememberTail(last[..read]);
        if (read == 0 || last[read - 1] != (byte)'\n')
        {
            // The last line is still being written: its start is not ours to read.
            assembler.SkipToNextNewline();
        }
    }

    private LogLineBatch? ReadAvailable()
    {
        FollowedLogFile current = file!;
        var lines = new List<string>();
        long tooLongBefore = assembler.TooLongCount;
        long decodeBefore = assembler.DecodeErrorCount;
        bool failed = false;
        try
        {
            long length = RandomAccess.GetLength(current.Handle);
            if (length < current.Position || !current.TailStillMatches())
            {
                // copytruncate (or the file rewritten in place): everything now in the file is new.
                LogTruncated(logger, current.Path, current.Position, length);
                current.Position = 0;
                current.ForgetTail();
                assembler.Clear();
                nextBatchStartsFile = true;
                lock (gate)
                {
                    filesOpened++;
                }
            }

            while (lines.Count < options.MaxBatchLines)
            {
                int read = RandomAccess.Read(current.Handle, readBuffer, current.Position);
                if (read == 0)
                {
                    break;
                }

                // A byte-order mark (an editor or another tool wrote the file) is not part of the first line.
                int skip = current.Position == 0 && readBuffer.AsSpan(0, read).StartsWith(Utf8ByteOrderMark) ? Utf8ByteOrderMark.Length : 0;
                current.Position += read;
                current.LastGrowth = timeProvider.GetTimestamp();
                current.RememberTail(readBuffer.AsSpan(0, read));
                assembler.Append(readBuffer.AsSpan(skip, read - skip), lines);
            }
        }
        catch (IOException e)
        {
            // Keep the handle and the position: the next wake-up tries the same read again.
            Fail(LogReadError.Io, e.Message);
            failed = true;
        }

        lock (gate)
        {
            if (!failed && episode == LogReadError.Io)
            {
                episode = null;
                state = LogTailerState.Following;
            }

            lineCount += lines.Count;
            errorCounts[(int)LogReadError.LineTooLong] += assembler.TooLongCount - tooLongBefore;
            errorCounts[(int)LogReadError.Decode] += assembler.DecodeErrorCount - decodeBefore;
        }

        if (lines.Count == 0)
        {
            return null;
        }

        var batch = new LogLineBatch(current.Path, lines, nextBatchStartsFile);
        nextBatchStartsFile = false;
        return batch;
    }

    // Called at end of file: is the file we hold still the one to follow? The glob is listed again only
    // when names in the directory changed, so a busy log costs one statx per wake-up, not a listing.
    private bool FileWasReplaced(bool namesChanged)
    {
        FollowedLogFile current = file!;
        if (location.IsGlob && namesChanged && location.CurrentFile() is { } newest && newest != current.Path
            && File.GetLastWriteTimeUtc(newest) > File.GetLastWriteTimeUtc(current.Handle))
        {
            LogSwitched(logger, current.Path, newest);
            return true;
        }

        bool? sameFile = current.Identity is { } identity
            ? FileIdentity.Of(current.Path) == identity
            : ProcFdStillNames(current);
        if (sameFile != false)
        {
            return false;
        }

        if (!File.Exists(current.Path) && timeProvider.GetElapsedTime(current.LastGrowth) < options.VanishedFileGrace)
        {
            // Renamed away (logrotate before the server reopens its log) or deleted while the server still writes
            // to it: its lines are still the server's latest, so keep reading it until a new file takes the path.
            if (!current.Vanished)
            {
                current.Vanished = true;
                LogVanished(logger, current.Path);
            }

            return false;
        }

        LogSwitched(logger, current.Path, current.Path);
        return true;
    }

    private bool WrittenBeforePreviousFile(SafeFileHandle handle)
    {
        try
        {
            return previousFileWrittenUtc is { } previous && File.GetLastWriteTimeUtc(handle) < previous;
        }
        catch (IOException)
        {
            return false;
        }
    }

    // Fallback where statx is unavailable: /proc/self/fd/N names the file's current path, or "... (deleted)".
    private static bool? ProcFdStillNames(FollowedLogFile current)
    {
        try
        {
            string? target = new FileInfo($"/proc/self/fd/{current.Handle.DangerousGetHandle()}").LinkTarget;
            return target is null ? null : target == Path.GetFullPath(current.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void CloseFile()
    {
        if (file is null)
        {
            return;
        }

        try
        {
            previousFileWrittenUtc = File.GetLastWriteTimeUtc(file.Handle);
        }
        catch (IOException)
        {
            previousFileWrittenUtc = null;
        }

        file.Handle.Dispose();
        file = null;
    }

    private void Fail(LogReadError error, string message)
    {
        LogTailerState failed = error switch
        {
            LogReadError.Missing => LogTailerState.Missing,
            LogReadError.PermissionDenied => LogTailerState.PermissionDenied,
            _ => LogTailerState.Failing,
        };
        lock (gate)
        {
            lastError = message;
            state = failed;
            if (episode == error)
            {
                return;
            }

            episode = error;
            errorCounts[(int)error]++;
        }

        LogReadFailed(logger, error.ToLabel(), message);
    }

    private void SetState(LogTailerState newState)
    {
        lock (gate)
        {
            state = newState;
        }
    }

    [LoggerMessage(EventId = LogEvents.LogFileFollowing, Level = LogLevel.Information, Message = "Following log file {Path} from byte {Position}")]
    private static partial void LogFollowing(ILogger logger, string path, long position);

    [LoggerMessage(EventId = LogEvents.LogFileSwitched, Level = LogLevel.Information, Message = "Log file {OldPath} was rotated or replaced; now following {NewPath}")]
    private static partial void LogSwitched(ILogger logger, string oldPath, string newPath);

    [LoggerMessage(EventId = LogEvents.LogFileTruncated, Level = LogLevel.Information, Message = "Log file {Path} shrank from {Position} to {Length} bytes (copy-truncate); reading it from the start")]
    private static partial void LogTruncated(ILogger logger, string path, long position, long length);

    [LoggerMessage(EventId = LogEvents.LogFileVanished, Level = LogLevel.Information, Message = "Log file {Path} was renamed away or deleted; reading it on until a new file takes its place")]
    private static partial void LogVanished(ILogger logger, string path);

    [LoggerMessage(EventId = LogEvents.LogReadFailed, Level = LogLevel.Warning, Message = "Cannot read the server log ({Reason}): {Error}; retrying")]
    private static partial void LogReadFailed(ILogger logger, string reason, string error);

    [LoggerMessage(EventId = LogEvents.LogHistoryRead, Level = LogLevel.Information,
        Message = "Read back {Lines} line(s) of the current postmaster's log from {Path} at byte {Position} as evidence of its start")]
    private static partial void LogHistoryRead(ILogger logger, string path, long position, long lines);

    [LoggerMessage(EventId = LogEvents.LogHistoryUnreadable, Level = LogLevel.Warning,
        Message = "Cannot read back the server log's start-up lines at {Path}: {Error}; only lines written from now on are evidence")]
    private static partial void LogHistoryUnreadable(ILogger logger, string path, string error);

    [LoggerMessage(EventId = LogEvents.LogReadRecovered, Level = LogLevel.Information, Message = "Server log {Path} is readable again")]
    private static partial void LogRecovered(ILogger logger, string path);
}

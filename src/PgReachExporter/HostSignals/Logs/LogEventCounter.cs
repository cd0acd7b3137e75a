using System.Collections.Immutable;
using System.Net.Sockets;
using PgReachExporter.Configuration;
using PgReachExporter.Observations;

namespace PgReachExporter.HostSignals;

/// <summary>
/// Turns one target's log lines into event counts, last-event times and what the postmaster bound at
/// its latest start. Fed by one reader; <see cref="Snapshot"/> may be called from any thread.
/// </summary>
internal sealed class LogEventCounter
{
    private readonly ILogRecordParser parser;
    private readonly TimeProvider timeProvider;
    private readonly Lock gate = new();
    private readonly long[] counts = new long[LogEventLabels.All.Count];
    private readonly long[] countsSinceStart = new long[LogEventLabels.All.Count];
    private readonly DateTimeOffset?[] lastAt = new DateTimeOffset?[LogEventLabels.All.Count];
    private readonly DateTimeOffset?[] lastAtSinceStart = new DateTimeOffset?[LogEventLabels.All.Count];
    private readonly List<LogRecord> records = [];
    private readonly List<ListeningAddress> listening = [];
    private readonly List<BindFailure> bindFailures = [];
    private long lineCount;
    private long recordCount;
    private PostmasterPhase phase = PostmasterPhase.None;
    private DateTimeOffset? lastStartAt;

    public LogEventCounter(LogFormat format, TimeProvider? timeProvider = null)
    {
        parser = LogRecordParsers.Create(format);
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    public LogFormat Format => parser.Format;

    /// <summary>
    /// Feeds a batch of complete lines; a record still open at the end of the batch is flushed. A history batch (lines
    /// written before reading began) updates what holds since the last start, not the counts of events seen.
    /// </summary>
    public void Add(LogLineBatch batch)
    {
        lock (gate)
        {
            if (batch.StartsNewFile)
            {
                parser.Flush(records);
                parser.Reset();
            }

            foreach (string line in batch.Lines)
            {
                parser.Feed(line, records);
            }

            // The reader has caught up, so nothing more of the last record is on disk yet.
            parser.Flush(records);
            if (!batch.History)
            {
                lineCount += batch.Lines.Count;
                recordCount += records.Count;
            }

            foreach (LogRecord record in records)
            {
                Apply(record, batch.History);
            }

            records.Clear();
        }
    }

    public LogEventSnapshot Snapshot()
    {
        lock (gate)
        {
            ImmutableDictionary<LogEvent, LogEventTally>.Builder events = ImmutableDictionary.CreateBuilder<LogEvent, LogEventTally>();
            ImmutableDictionary<LogEvent, long>.Builder sinceStart = ImmutableDictionary.CreateBuilder<LogEvent, long>();
            ImmutableDictionary<LogEvent, DateTimeOffset>.Builder lastSinceStart = ImmutableDictionary.CreateBuilder<LogEvent, DateTimeOffset>();
            foreach (LogEvent logEvent in LogEventLabels.All)
            {
                events[logEvent] = new LogEventTally(counts[(int)logEvent], lastAt[(int)logEvent]);
                sinceStart[logEvent] = countsSinceStart[(int)logEvent];
                if (lastAtSinceStart[(int)logEvent] is { } at)
                {
                    lastSinceStart[logEvent] = at;
                }
            }

            return new LogEventSnapshot(
                lineCount,
                recordCount,
                parser.MalformedCount,
                events.ToImmutable(),
                listening.ToImmutableArray(),
                bindFailures.ToImmutableArray(),
                lastStartAt)
            {
                SinceStart = sinceStart.ToImmutable(),
                LastSinceStart = lastSinceStart.ToImmutable(),
            };
        }
    }

    private void Apply(LogRecord record, bool history)
    {
        DateTimeOffset at = record.Timestamp ?? timeProvider.GetUtcNow();
        PostmasterPhase recordPhase = LogEventClassifier.Phase(record);
        if (recordPhase == PostmasterPhase.Starting)
        {
            BeginStart(at);
        }
        else if (recordPhase != PostmasterPhase.None)
        {
            phase = recordPhase;
        }

        if (LogEventClassifier.Classify(record) is not { } match)
        {
            return;
        }

        switch (match.Event)
        {
            case LogEvent.Listening when match.Address is not null && match.Port is { } port:
                EnsureInStart(at);
                listening.Add(new ListeningAddress(match.Family ?? AddressFamily.Unknown, match.Address, port));
                break;
            case LogEvent.CouldNotBind:
                EnsureInStart(at);
                bindFailures.Add(new BindFailure(match.Family ?? AddressFamily.Unknown, match.Address, match.BindFailure ?? BindFailureReason.Other));
                break;
        }

        // Counted after a bind line may have begun a new start, so it counts in that start.
        countsSinceStart[(int)match.Event]++;
        lastAtSinceStart[(int)match.Event] = at;
        if (!history)
        {
            counts[(int)match.Event]++;
            lastAt[(int)match.Event] = at;
        }
    }

    // Sockets are only bound while the postmaster starts: a bind line outside a start phase means the
    // "starting PostgreSQL" line was not seen (older server, or the log began later), so a new start began.
    private void EnsureInStart(DateTimeOffset at)
    {
        if (phase != PostmasterPhase.Starting)
        {
            BeginStart(at);
        }
    }

    private void BeginStart(DateTimeOffset at)
    {
        phase = PostmasterPhase.Starting;
        lastStartAt = at;
        listening.Clear();
        bindFailures.Clear();
        Array.Clear(countsSinceStart);
        Array.Clear(lastAtSinceStart);
    }
}

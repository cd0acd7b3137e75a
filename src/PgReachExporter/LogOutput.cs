using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;
using Serilog.Formatting.Compact;
using Serilog.Sinks.Async;

namespace PgReachExporter;

/// <summary>
/// Where the agent's log goes: stdout, written by one background thread from a bounded queue. Whatever reads stdout
/// (journald, a container runtime's log driver, a pipe) may stop reading; writing directly made every thread that
/// logged wait on the full pipe, and at 10,000 targets the start-up burst of warnings stalled probes and /metrics for
/// minutes. Now a full queue drops the event instead (counted in <c>pgreach_log_events_dropped_total</c>), and the
/// flush at exit is bounded.
/// </summary>
internal sealed class LogOutput : IAsyncLogEventSinkMonitor, IDisposable
{
    /// <summary>Events held while stdout is slow (a few MB at most): a start-up burst of one line per failing target at 10,000 targets fits.</summary>
    public const int BufferedEvents = 10_000;

    /// <summary>How long the exit waits for queued events to be written.</summary>
    public static readonly TimeSpan FlushBound = TimeSpan.FromSeconds(2);

    private readonly Logger _writer;
    private IAsyncLogEventSinkInspector? _queue;

    private const string Template = "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} {Level:u3} {Message:lj}{NewLine}{Exception}";

    /// <param name="output">Where to write instead of stdout (tests).</param>
    /// <param name="bufferedEvents">The queue's length (tests).</param>
    public LogOutput(bool json, TextWriter? output = null, int bufferedEvents = BufferedEvents)
    {
        _writer = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.Async(
                sink =>
                {
                    if (output is not null)
                    {
                        sink.Sink(new WriterSink(output, new MessageTemplateTextFormatter(Template)));
                    }
                    else if (json)
                    {
                        sink.Console(new RenderedCompactJsonFormatter());
                    }
                    else
                    {
                        sink.Console(outputTemplate: Template);
                    }
                },
                bufferSize: bufferedEvents,
                blockWhenFull: false,
                monitor: this)
            .CreateLogger();
    }

    /// <summary>The sink the agent's logger writes to (levels and filters are the agent logger's; this one passes everything).</summary>
    public Serilog.ILogger Writer => _writer;

    /// <summary>Events dropped because the queue was full: stdout did not keep up.</summary>
    public long Dropped => Volatile.Read(ref _queue)?.DroppedMessagesCount ?? 0;

    void IAsyncLogEventSinkMonitor.StartMonitoring(IAsyncLogEventSinkInspector inspector) => Volatile.Write(ref _queue, inspector);

    void IAsyncLogEventSinkMonitor.StopMonitoring(IAsyncLogEventSinkInspector inspector)
    {
    }

    /// <summary>Writes what is queued, for at most <see cref="FlushBound"/>: a stdout nobody reads never holds up the exit.</summary>
    public void Dispose()
    {
        var flush = Task.Run(_writer.Dispose);
        flush.Wait(FlushBound);
    }

    /// <summary>Formatted lines to a writer, for tests of the queue in front of it.</summary>
    private sealed class WriterSink(TextWriter output, ITextFormatter formatter) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => formatter.Format(logEvent, output);
    }
}

using System.Diagnostics;
using System.Text;

namespace PgReachExporter.Tests.Logging;

public sealed class LogOutputTests
{
    [Fact]
    public void A_stalled_output_never_blocks_the_logging_thread_and_what_does_not_fit_is_counted()
    {
        using var stalled = new StalledWriter();
        var output = new LogOutput(json: false, stalled, bufferedEvents: 10);

        for (var i = 0; i < 50; i++)
        {
            output.Writer.Warning("target {Target} is not reachable", $"t{i}");
        }

        // 50 events against a writer that never returns: the caller went on, and all but the queue's 10 (and the one
        // being written) were dropped.
        Assert.True(stalled.WaitUntilWriting(TimeSpan.FromSeconds(10)));
        Assert.InRange(output.Dropped, 39, 40);

        var disposing = Stopwatch.StartNew();
        output.Dispose();
        Assert.InRange(disposing.Elapsed, TimeSpan.Zero, LogOutput.FlushBound + TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void Everything_logged_is_written_once_the_output_keeps_up()
    {
        var written = new StringWriter();
        var output = new LogOutput(json: false, TextWriter.Synchronized(written));
        for (var i = 0; i < 100; i++)
        {
            output.Writer.Warning("target {Target} is not reachable", $"t{i}");
        }

        output.Dispose();

        Assert.Equal(100, written.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("WRN target t99 is not reachable", written.ToString());
        Assert.Equal(0, output.Dropped);
    }

    /// <summary>A writer whose reader went away: the first write never returns (until disposed).</summary>
    private sealed class StalledWriter : TextWriter
    {
        private readonly ManualResetEventSlim _writing = new();
        private readonly ManualResetEventSlim _release = new();

        public override Encoding Encoding => Encoding.UTF8;

        public bool WaitUntilWriting(TimeSpan bound) => _writing.Wait(bound);

        public override void Write(char value) => Stall();

        public override void Write(string? value) => Stall();

        public override void Write(char[] buffer, int index, int count) => Stall();

        private void Stall()
        {
            _writing.Set();
            _release.Wait();
        }

        protected override void Dispose(bool disposing)
        {
            _release.Set();
            base.Dispose(disposing);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;

namespace PgReachExporter.Benchmarks;

/// <summary>
/// End-to-end log tailing harness (a file, a writer, the real tailer with inotify, the parser, the
/// classifier and the counter), run as `dotnet run -c Release --project tests/PgReachExporter.Benchmarks -- tailer`:
/// burst (write as fast as possible, time until every line is counted), paced (50,000 lines/s for 10 s:
/// does the reader keep up, at what CPU cost) and quiet (a followed file nobody writes: CPU used).
/// </summary>
internal static class LogTailerThroughput
{
    private const int BurstLines = 1_000_000;
    private const int PacedRate = 50_000;
    private static readonly TimeSpan PacedDuration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan QuietDuration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(string[] args)
    {
        string directory = Directory.CreateTempSubdirectory("pgreach-tail-bench-").FullName;
        try
        {
            string[] lines = LogPipelineInput.Build(LogFormat.Stderr, 10_000);
            byte[][] encoded = lines.Select(l => Encoding.UTF8.GetBytes(l + "\n")).ToArray();
            Console.WriteLine($"Average line: {encoded.Average(b => b.Length):F0} bytes; {Environment.ProcessorCount} cores");
            await BurstAsync(Path.Combine(directory, "burst.log"), encoded);
            await PacedAsync(Path.Combine(directory, "paced.log"), encoded);
            await QuietAsync(Path.Combine(directory, "quiet.log"));
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task BurstAsync(string path, byte[][] encoded)
    {
        await using var run = await Running.StartAsync(path);
        var clock = Stopwatch.StartNew();
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        await using (var writer = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1 << 16))
        {
            for (int i = 0; i < BurstLines; i++)
            {
                writer.Write(encoded[i % encoded.Length]);
            }
        }

        TimeSpan written = clock.Elapsed;
        await run.UntilLinesAsync(BurstLines);
        TimeSpan all = clock.Elapsed;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"burst: {BurstLines:N0} lines written in {written.TotalSeconds:F2} s, all counted after {all.TotalSeconds:F2} s => {BurstLines / all.TotalSeconds:N0} lines/s end to end; process CPU {cpu:F2} s; {run.Describe()}"));
    }

    private static async Task PacedAsync(string path, byte[][] encoded)
    {
        await using var run = await Running.StartAsync(path);
        int perTick = PacedRate / 100;
        int total = (int)(PacedRate * PacedDuration.TotalSeconds);
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long maxLag = 0;
        await using (var writer = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1 << 16))
        {
            int written = 0;
            for (int tick = 0; written < total; tick++)
            {
                for (int i = 0; i < perTick; i++)
                {
                    writer.Write(encoded[written++ % encoded.Length]);
                }

                writer.Flush();
                maxLag = Math.Max(maxLag, written - run.Lines);
                TimeSpan due = TimeSpan.FromMilliseconds(10 * (tick + 1));
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed);
                }
            }
        }

        TimeSpan writing = clock.Elapsed;
        await run.UntilLinesAsync(total);
        TimeSpan drained = clock.Elapsed - writing;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"paced: {total:N0} lines at {total / writing.TotalSeconds:N0} lines/s over {writing.TotalSeconds:F1} s; largest backlog {maxLag:N0} lines; last line counted {drained.TotalMilliseconds:F0} ms after the last write; process CPU (writer included) {cpu / writing.TotalSeconds * 100:F0}% of one core; {run.Describe()}"));
    }

    private static async Task QuietAsync(string path)
    {
        await using var run = await Running.StartAsync(path);
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.Delay(QuietDuration);
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"quiet: followed an idle file for {clock.Elapsed.TotalSeconds:F1} s: process CPU {cpu:F0} ms in total (whole process, runtime included); {run.Describe()}"));
    }

    /// <summary>A tailer feeding a counter in the background.</summary>
    private sealed class Running : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly LogTailer tailer;
        private readonly LogEventCounter counter = new(LogFormat.Stderr);
        private Task reader = Task.CompletedTask;
        private long lines;

        private Running(string path)
        {
            tailer = new LogTailer(LogLocation.Parse(path, LogFormat.Stderr));
        }

        public long Lines => Interlocked.Read(ref lines);

        public static async Task<Running> StartAsync(string path)
        {
            await File.WriteAllTextAsync(path, string.Empty);
            var running = new Running(path);
            running.reader = Task.Run(async () =>
            {
                await foreach (LogLineBatch batch in running.tailer.ReadBatchesAsync(running.stop.Token))
                {
                    running.counter.Add(batch);
                    Interlocked.Add(ref running.lines, batch.Lines.Count);
                }
            });
            await running.UntilAsync(() => running.tailer.Health().State == LogTailerState.Following);
            return running;
        }

        public Task UntilLinesAsync(long count) => UntilAsync(() => Lines >= count);

        public string Describe()
        {
            LogEventSnapshot snapshot = counter.Snapshot();
            return $"records {snapshot.Records:N0}, password_failed {snapshot.Events[LogEvent.PasswordFailed].Count:N0}, inotify {tailer.Health().Watching}";
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await reader;
            stop.Dispose();
        }

        private async Task UntilAsync(Func<bool> condition)
        {
            var clock = Stopwatch.StartNew();
            while (!condition())
            {
                if (clock.Elapsed > Bound || reader.IsFaulted)
                {
                    await reader.WaitAsync(TimeSpan.Zero).ConfigureAwait(false);
                    throw new TimeoutException($"Gave up after {Bound}: {Lines:N0} lines read, {tailer.Health()}");
                }

                await Task.Delay(1);
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;

namespace PgReachExporter.Tests.HostSignals.Logs;

/// <summary>Runs a tailer in the background, collecting its lines, with bounded waits for conditions.</summary>
internal sealed class TailerHarness : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource stop = new();
    private readonly Task reader;

    public TailerHarness(LogTailer tailer)
    {
        Tailer = tailer;
        reader = Task.Run(async () =>
        {
            await foreach (LogLineBatch batch in tailer.ReadBatchesAsync(stop.Token))
            {
                Batches.Enqueue(batch);
                foreach (string line in batch.Lines)
                {
                    Lines.Enqueue(line);
                }
            }
        });
    }

    public LogTailer Tailer { get; }

    public ConcurrentQueue<string> Lines { get; } = new();

    public ConcurrentQueue<LogLineBatch> Batches { get; } = new();

    public Task UntilFollowingAsync(FakeTimeProvider? time = null) => UntilAsync(() => Tailer.Health().State == LogTailerState.Following, "following", time);

    public Task UntilLinesAsync(int count, FakeTimeProvider? time = null) => UntilAsync(() => Lines.Count >= count, $"{count} lines", time);

    /// <summary>Polls a condition (advancing fake time if given) until it holds; fails after a fixed bound.</summary>
    public async Task UntilAsync(Func<bool> condition, string what, FakeTimeProvider? time = null)
    {
        DateTime deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            if (reader.IsFaulted)
            {
                await reader;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Waited {Bound.TotalSeconds} s for {what}; have {Lines.Count} lines, health {Tailer.Health()}");
            }

            time?.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(5);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await reader.WaitAsync(Bound);
        stop.Dispose();
    }
}

/// <summary>A temporary directory for one test's log files.</summary>
internal sealed class TempLogDirectory : IDisposable
{
    public TempLogDirectory()
    {
        Path = Directory.CreateTempSubdirectory("pgreach-tail-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public static void Append(string path, IEnumerable<string> lines) =>
        System.IO.File.AppendAllText(path, string.Concat(lines.Select(l => l + "\n")), new UTF8Encoding(false));

    public static IEnumerable<string> Numbered(string tag, int from, int count) =>
        Enumerable.Range(from, count).Select(i => $"{tag} line {i:D6}");

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

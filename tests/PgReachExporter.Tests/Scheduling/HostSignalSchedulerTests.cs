using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Tests.Scheduling;

public sealed class HostSignalSchedulerTests
{
    private static readonly TargetDefinition Target = new()
    {
        Name = "orders", Host = "127.0.0.1", Port = 5432, Database = "orders", Username = "app",
        ConnectTimeout = TimeSpan.FromSeconds(1), Interval = TimeSpan.FromSeconds(15),
    };

    /// <summary>
    /// The host gives each service until its shutdown token fires; a service that then throws turns the whole stop into
    /// an error (and, in the integration tests, a failed test) although everything else stopped. A log loop that has
    /// not ended by then is left behind, as BackgroundService does.
    /// </summary>
    [Fact]
    public async Task Stopping_returns_when_the_shutdown_bound_fires_even_if_a_log_loop_has_not_ended()
    {
        var stuck = new StuckLogSource();
        using var scheduler = new HostSignalScheduler(
            new OneSource(stuck), new ListenerTables(), [], new FakeTimeProvider(), NullLogger<HostSignalScheduler>.Instance);
        scheduler.TargetAdded(Target);
        await stuck.Reading.Task.WaitAsync(TimeSpan.FromSeconds(10));

        using var bound = new CancellationTokenSource();
        var stop = scheduler.StopAsync(bound.Token);
        Assert.False(stop.IsCompleted);
        await bound.CancelAsync();

        await stop.WaitAsync(TimeSpan.FromSeconds(10)); // throws if StopAsync throws
        Assert.True(stop.IsCompletedSuccessfully);
        stuck.Release.SetResult();
    }

    [Fact]
    public async Task Stopping_waits_for_log_loops_that_end_on_cancellation()
    {
        var source = new CancellableLogSource();
        using var scheduler = new HostSignalScheduler(
            new OneSource(source), new ListenerTables(), [], new FakeTimeProvider(), NullLogger<HostSignalScheduler>.Instance);
        scheduler.TargetAdded(Target);
        await source.Reading.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await scheduler.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(source.Ended);
    }

    private sealed class OneSource(IServerLogSource source) : IServerLogSourceFactory
    {
        public IServerLogSource? Create(TargetDefinition target) => source;
    }

    private static readonly LogTailerHealth Following = new(null, LogTailerState.Following, 0, ImmutableDictionary<LogReadError, long>.Empty, 0, true, null);

    /// <summary>A reader that ignores cancellation until released, as a read blocked in the kernel would.</summary>
    private sealed class StuckLogSource : IServerLogSource
    {
        public TaskCompletionSource Reading { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Description => "stuck";

        public async IAsyncEnumerable<LogLineBatch> ReadBatchesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Reading.TrySetResult();
            await Release.Task;
            yield break;
        }

        public LogTailerHealth Health() => Following;
    }

    private sealed class CancellableLogSource : IServerLogSource
    {
        public TaskCompletionSource Reading { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Ended { get; private set; }

        public string Description => "cancellable";

        public async IAsyncEnumerable<LogLineBatch> ReadBatchesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Reading.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                Ended = true;
            }

            yield break;
        }

        public LogTailerHealth Health() => Following;
    }
}

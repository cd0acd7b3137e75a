using PgReachExporter.IntegrationTests.Infrastructure;

namespace PgReachExporter.IntegrationTests.HostSignals;

/// <summary>Makes failed logins one after another in the background, so the server writes its log while a test rotates it.</summary>
internal sealed class FailedLoginWriter
{
    private readonly Task _run;
    private int _written;

    private FailedLoginWriter(PostgresCluster cluster, int count) => _run = Task.Run(async () =>
    {
        for (var i = 0; i < count; i++)
        {
            await HostSignalTargets.FailPasswordAsync(cluster);
            Interlocked.Increment(ref _written);
        }
    });

    public int Written => Volatile.Read(ref _written);

    public static FailedLoginWriter Start(PostgresCluster cluster, int count) => new(cluster, count);

    /// <summary>Waits (bounded) until at least <paramref name="count"/> failures were made.</summary>
    public async Task UntilWrittenAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Written < count)
        {
            if (_run.IsCompleted)
            {
                await _run;
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"only {Written} of {count} failed logins made in time");
            await Task.Delay(10);
        }
    }

    public Task CompletionAsync() => _run.WaitAsync(TimeSpan.FromSeconds(60));
}

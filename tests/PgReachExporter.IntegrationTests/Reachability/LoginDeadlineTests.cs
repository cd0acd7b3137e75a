using System.Net;
using PgReachExporter.Configuration;
using PgReachExporter.Lab;
using PgReachExporter.Observations;
using PgReachExporter.Probes;

namespace PgReachExporter.IntegrationTests.Reachability;

/// <summary>
/// The login's deadline counts from the start of the attempt, not from the moment the open begins: whatever runs
/// before it (building the data source, which took half a second cold on a loaded CI machine, or a thread waiting
/// for a core) comes out of the timeout instead of being reported on top of it. The time lost is put on the clock
/// the probe reads, so the test does not depend on how slow the build happens to be on the machine running it.
/// </summary>
public sealed class LoginDeadlineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(900)]
    [InlineData(1200)]
    public async Task Time_lost_before_the_open_comes_out_of_the_timeout(int lostMilliseconds)
    {
        await using var hole = await BlackHoleListener.StartAsync(IPAddress.Loopback);
        var lost = TimeSpan.FromMilliseconds(lostMilliseconds);
        var clock = new ClockLosingTimeAfterTheStart(lost);
        var probe = new LoginProbe(new TargetDefinition
        {
            Name = "black-hole", Host = "127.0.0.1", Port = hole.Port, Database = "postgres", Username = "probe",
            SslMode = Npgsql.SslMode.Disable,
            ConnectTimeout = Timeout, Interval = TimeSpan.FromSeconds(15),
        }, clock, new PostgresGreetingProbe(clock));

        var login = await probe.LoginAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(LoginResult.Timeout, login.Result);
        // At most the timeout, or the time already lost if that was more, plus slack for timers firing late on a
        // loaded machine; a deadline started after the lost time would report lost + 1 s (1.9 s and 2.2 s here).
        var ceiling = (lost > Timeout ? lost : Timeout) + TimeSpan.FromSeconds(0.5);
        Assert.InRange(login.Duration, lost, ceiling);
    }

    /// <summary>The system clock, except that every reading after the first is <c>lost</c> later.</summary>
    private sealed class ClockLosingTimeAfterTheStart(TimeSpan lost) : TimeProvider
    {
        private readonly long _lostTicks = (long)(lost.TotalSeconds * TimeProvider.System.TimestampFrequency);
        private int _readings;

        public override long GetTimestamp() =>
            TimeProvider.System.GetTimestamp() + (Interlocked.Increment(ref _readings) > 1 ? _lostTicks : 0);
    }
}

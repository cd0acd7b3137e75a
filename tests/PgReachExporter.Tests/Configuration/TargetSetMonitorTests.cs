using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PgReachExporter.Configuration;

namespace PgReachExporter.Tests.Configuration;

/// <summary>A reload is all-or-nothing, and reloads never run at the same time.</summary>
public sealed class TargetSetMonitorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pgreach-reload-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private const string Good = """{ "PgReach": { "Targets": [ { "Name": "a", "Host": "127.0.0.1" } ] } }""";

    [Theory]
    [InlineData("""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "127.0.0.1", "Port": [6000] } ] } }""")]
    [InlineData("""{ "PgReach": { "Targets": [] } }""")]
    [InlineData("""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "127.0.0.1", "Interval": "1e10" } ] } }""")]
    [InlineData("""{ "PgReach": { "Targets": [ { "Name": "a", "Uri": "postgresql://h:5432:5432/db" } ] } }""")]
    [InlineData("""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "127.0.0.1", "LogPath": "/dev/zero" } ] } }""")]
    [InlineData("""{ "PgReach": { "Targets": [ { "Name": "a", "Host": "127.0.0.1" } ] }, "Serilog": "x" }""")]
    [InlineData("""{ "PgReach": { "Targets": [ """)]
    public void A_bad_edit_is_rejected_and_the_last_good_targets_stay(string edit)
    {
        var file = Path.Combine(_directory, "targets.json");
        File.WriteAllText(file, Good);
        var sources = new AgentConfigurationSources(_directory, "Production", file, []);
        var initial = sources.ReadStartup(ConfigurationReading.NoEnvironment).Settings;
        using var monitor = new TargetSetMonitor(initial, () => sources.ReadStartup(ConfigurationReading.NoEnvironment).Settings, null,
            new FakeTimeProvider(), NullLogger<TargetSetMonitor>.Instance);
        File.WriteAllText(file, edit);

        Assert.False(monitor.Reload());

        Assert.False(monitor.LastReloadSuccessful);
        Assert.Same(initial, monitor.Current);
    }

    [Fact]
    public void A_reload_waits_for_the_one_already_running()
    {
        var initial = ConfigurationReading.Read(Good);
        using var firstEntered = new ManualResetEventSlim();
        using var releaseFirst = new ManualResetEventSlim();
        var running = 0;
        var overlapped = false;
        var calls = 0;
        AgentSettings Reread()
        {
            overlapped |= Interlocked.Increment(ref running) > 1;
            if (Interlocked.Increment(ref calls) == 1)
            {
                firstEntered.Set();
                releaseFirst.Wait(TimeSpan.FromSeconds(10));
            }

            Interlocked.Decrement(ref running);
            return initial;
        }

        using var monitor = new TargetSetMonitor(initial, Reread, null, new FakeTimeProvider(), NullLogger<TargetSetMonitor>.Instance);
        var first = new Thread(() => monitor.Reload());
        first.Start();
        Assert.True(firstEntered.Wait(TimeSpan.FromSeconds(10)));
        var second = new Thread(() => monitor.Reload());
        second.Start();
        // The second reload either blocks on the monitor's gate or (without one) runs through the reader at once.
        Assert.True(SpinWait.SpinUntil(() => second.ThreadState.HasFlag(ThreadState.WaitSleepJoin) || !second.IsAlive, TimeSpan.FromSeconds(10)));
        releaseFirst.Set();
        first.Join();
        second.Join();

        Assert.False(overlapped);
        Assert.Equal(2, calls);
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Observations;
using PgReachExporter.Scheduling;

namespace PgReachExporter.Tests.Scheduling;

/// <summary>The pipeline's order and its failure handling: a throwing stage is counted and the later stages still run.</summary>
public sealed class TargetPipelineTests
{
    // A Unix socket directory that does not exist: the probes fail at once, with no network traffic.
    private static readonly TargetDefinition Target = new()
    {
        Name = "orders", Host = "/nonexistent/pgreach-test", Port = 5432, Database = "orders", Username = "app",
        ConnectTimeout = TimeSpan.FromSeconds(1), Interval = TimeSpan.FromSeconds(15),
    };

    [Fact]
    public async Task A_throwing_source_and_a_throwing_output_are_counted_and_the_rest_of_the_cycle_runs()
    {
        var seen = new List<string>();
        var health = new PipelineHealth(["first", "broken", "last"]);
        var pipeline = new TargetPipeline(new ThrowingHost(), new NoServer(), [
            new("first", new Recording("first", seen)),
            new("broken", new Throwing()),
            new("last", new Recording("last", seen)),
        ], health, NullLogger<TargetPipeline>.Instance);
        await using var session = new TargetProbeSession(Target, TimeProvider.System);

        pipeline.TargetAdded(Target);
        var record = await pipeline.RunCycleAsync(Target, session, CancellationToken.None);

        Assert.NotNull(record);
        Assert.Null(record.Host);
        Assert.NotNull(record.Verdict);
        Assert.False(record.Verdict.Reachable);
        Assert.Equal(["first added", "last added", "first cycle", "last cycle"], seen);
        Assert.Equal(1, health.Failures(PipelineHealth.Host));
        Assert.Equal(2, health.Failures("broken"));
        Assert.Equal(0, health.Failures(PipelineHealth.Verdict));
    }

    [Fact]
    public void Stages_are_a_closed_set()
    {
        var health = new PipelineHealth(["probe_metrics"]);

        Assert.Throws<ArgumentException>(() => health.Failed("anything"));
        Assert.Equal(["host", "loop", "probe", "probe_metrics", "reconcile", "server", "verdict"], health.Snapshot().Select(s => s.Key));
    }

    private sealed class Recording(string name, List<string> seen) : ICycleOutput
    {
        public void TargetAdded(TargetDefinition target) => seen.Add($"{name} added");

        public void CycleCompleted(CycleRecord record) => seen.Add($"{name} cycle");

        public void TargetRemoved(string target) => seen.Add($"{name} removed");
    }

    private sealed class Throwing : ICycleOutput
    {
        public void TargetAdded(TargetDefinition target) => throw new InvalidOperationException("added");

        public void CycleCompleted(CycleRecord record) => throw new InvalidOperationException("cycle");

        public void TargetRemoved(string target) => throw new InvalidOperationException("removed");
    }

    private sealed class ThrowingHost : IHostEvidenceSource
    {
        public void TargetAdded(TargetDefinition target)
        {
        }

        public ValueTask<HostObservation?> GatherAsync(TargetDefinition target, TargetCycle cycle, CancellationToken stopping) =>
            throw new IOException("the socket table broke");

        public void TargetRemoved(string target)
        {
        }
    }

    private sealed class NoServer : IServerEvidenceSource
    {
        public void TargetAdded(TargetDefinition target)
        {
        }

        public ValueTask<ServerEvidence?> GatherAsync(TargetDefinition target, CancellationToken stopping) => ValueTask.FromResult<ServerEvidence?>(null);

        public void TargetRemoved(string target)
        {
        }
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.HostSignals;
using PgReachExporter.Scheduling;

namespace PgReachExporter.IntegrationTests.Tls;

/// <summary>One cycle of the agent's own pipeline for a target, as `diagnose` runs it, and the findings it gave.</summary>
internal static class OneCycle
{
    /// <summary>One cycle of the agent's own pipeline, as `diagnose` runs it.</summary>
    public static async Task<CycleRecord> RunOnceAsync(TargetDefinition target)
    {
        var time = TimeProvider.System;
        await using var server = new OneShotServerEvidence(time, NullLoggerFactory.Instance);
        var pipeline = new TargetPipeline(new OneShotHostEvidence(new ListenerTables(time: time), time), server, [], new PipelineHealth(),
            NullLogger<TargetPipeline>.Instance);
        pipeline.TargetAdded(target);
        await using var session = new TargetProbeSession(target, time);
        try
        {
            var record = await pipeline.RunCycleAsync(target, session, CancellationToken.None);
            Assert.NotNull(record?.Verdict);
            return record!;
        }
        finally
        {
            pipeline.TargetRemoved(target.Name);
        }
    }

    public static string[] Causes(CycleRecord record) => [.. record.Verdict!.Findings.Select(f => f.Cause.Label)];

    public static Finding Finding(CycleRecord record, string cause) =>
        record.Verdict!.Findings.SingleOrDefault(f => f.Cause.Label == cause)
        ?? throw new Xunit.Sdk.XunitException($"no {cause} finding; found {string.Join(", ", Causes(record))}: " +
            string.Join(" | ", record.Verdict.Findings.SelectMany(f => f.Evidence)));
}

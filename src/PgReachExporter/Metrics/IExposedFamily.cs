namespace PgReachExporter.Metrics;

/// <summary>A metric family the agent writes into /metrics itself, next to the families prometheus-net writes.</summary>
internal interface IExposedFamily
{
    string Name { get; }

    ValueTask WriteAsync(ExpositionWriter writer, CancellationToken cancel);
}

namespace PgReachExporter.Metrics;

/// <summary>A metric family the agent writes into /metrics itself, next to the families prometheus-net writes.</summary>
internal interface IExposedFamily
{
    string Name { get; }

    /// <summary>True for a counter: a /probe answer, one cycle without a history, leaves it out.</summary>
    bool Accumulates => false;

    /// <summary>Drops the series of every label set whose leading label values match.</summary>
    void RemoveWhere(Func<IReadOnlyList<string>, bool> match);

    /// <summary>Drops every series of one target (the first leading label) without scanning the other targets'.</summary>
    void RemoveTarget(string target);

    ValueTask WriteAsync(ExpositionWriter writer, CancellationToken cancel);
}

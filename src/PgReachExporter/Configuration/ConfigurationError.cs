namespace PgReachExporter.Configuration;

/// <summary>One problem found in the configuration, located by source, target and field.</summary>
internal sealed record ConfigurationError(string Source, string? Target, string Field, string Problem)
{
    public override string ToString()
    {
        var where = Target is null ? Source : $"{Source}: target '{Target}'";
        return $"{where}: field '{Field}': {Problem}";
    }
}

/// <summary>Thrown at start-up when the configuration cannot be used; the message lists every problem.</summary>
internal sealed class ConfigurationException(IReadOnlyList<ConfigurationError> errors)
    : Exception("invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<ConfigurationError> Errors { get; } = errors;
}

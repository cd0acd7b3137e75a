namespace PgReachExporter.Metrics;

/// <summary>Compares label value arrays element by element, so a label set is found by its values.</summary>
internal sealed class LabelValuesComparer : IEqualityComparer<string[]>
{
    public static readonly LabelValuesComparer Instance = new();

    public bool Equals(string[]? x, string[]? y) => x.AsSpan().SequenceEqual(y, StringComparer.Ordinal);

    public int GetHashCode(string[] obj)
    {
        var hash = default(HashCode);
        foreach (var value in obj)
        {
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }
}

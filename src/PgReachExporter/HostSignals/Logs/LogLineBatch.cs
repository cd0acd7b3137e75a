namespace PgReachExporter.HostSignals;

/// <summary>Complete lines read from one log file in one go.</summary>
/// <param name="FilePath">The file they came from.</param>
/// <param name="Lines">The lines, without newlines, in file order.</param>
/// <param name="StartsNewFile">True for the first batch after the reader opened a different file.</param>
internal sealed record LogLineBatch(string FilePath, IReadOnlyList<string> Lines, bool StartsNewFile)
{
    /// <summary>
    /// Lines written before the reader began (the current postmaster's start, read back once): evidence of what holds
    /// since that start, never counted as events or lines read.
    /// </summary>
    public bool History { get; init; }
}

namespace PgReachExporter.Hba.Lint;

/// <summary>How the linter reads pg_hba.conf and the files it includes, so the linter itself does no I/O.</summary>
/// <remarks>Paths are absolute and already joined as PostgreSQL joins them (<see cref="HbaPaths"/>).</remarks>
internal interface IHbaFileSource
{
    /// <summary>The file's text, or why it cannot be read.</summary>
    HbaFileRead Read(string path);

    /// <summary>The entries of a directory, or null with why it cannot be listed.</summary>
    IReadOnlyList<HbaDirectoryEntry>? ListDirectory(string path, out string? problem);
}

/// <summary>One directory entry: its name (not path) and whether it is itself a directory.</summary>
internal readonly record struct HbaDirectoryEntry(string Name, bool IsDirectory);

/// <summary>The outcome of reading one file: its text, or that it is missing, or another reason it cannot be read.</summary>
internal sealed record HbaFileRead(string? Text, bool Missing, string? Problem)
{
    public static HbaFileRead Found(string text) => new(text, false, null);

    public static HbaFileRead NotFound => new(null, true, "No such file or directory");

    public static HbaFileRead Failed(string problem) => new(null, false, problem);
}

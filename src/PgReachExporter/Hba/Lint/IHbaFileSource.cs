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

namespace PgReachExporter.Hba.Lint;

/// <summary>One directory entry: its name (not path) and whether it is itself a directory.</summary>
internal readonly record struct HbaDirectoryEntry(string Name, bool IsDirectory);

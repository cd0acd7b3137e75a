using PgReachExporter.Hba.Lint;

namespace PgReachExporter.Tests.Hba.Lint;

/// <summary>Files in memory for the linter, by absolute path; directories are the paths' parents.</summary>
internal sealed class HbaFileMap(IReadOnlyDictionary<string, string> files) : IHbaFileSource
{
    public HbaFileRead Read(string path) => files.TryGetValue(path, out var text) ? HbaFileRead.Found(text) : HbaFileRead.NotFound;

    public IReadOnlyList<HbaDirectoryEntry>? ListDirectory(string path, out string? problem)
    {
        var prefix = path.TrimEnd('/') + "/";
        var entries = files.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k[prefix.Length..])
            .Select(rest => rest.Contains('/') ? new HbaDirectoryEntry(rest[..rest.IndexOf('/')], true) : new HbaDirectoryEntry(rest, false))
            .Distinct()
            .ToArray();
        problem = entries.Length == 0 ? "No such file or directory" : null;
        return entries.Length == 0 ? null : entries;
    }
}

namespace PgReachExporter.Hba.Lint;

/// <summary>PostgreSQL's AbsoluteConfigLocation: a relative include path is taken from the directory of the including file.</summary>
internal static class HbaPaths
{
    public static string Resolve(string path, string includingFile)
    {
        if (path.StartsWith('/'))
            return Canonical(path);
        var directory = includingFile.LastIndexOf('/') is var slash and > 0 ? includingFile[..slash] : "/";
        return Canonical(directory.TrimEnd('/') + "/" + path);
    }

    /// <summary>canonicalize_path: no "." parts, no doubled or trailing slashes, ".." removes the part before it.</summary>
    public static string Canonical(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
                continue;
            // Paths here are absolute, so ".." at the root stays at the root.
            if (part == "..")
            {
                if (parts.Count > 0)
                    parts.RemoveAt(parts.Count - 1);
            }
            else
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }
}

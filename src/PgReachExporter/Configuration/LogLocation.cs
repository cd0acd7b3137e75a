using System.IO.Enumeration;

namespace PgReachExporter.Configuration;

/// <summary>
/// Where a target's log lives: one file, a glob over file names in one directory (such as
/// /var/log/postgresql/postgresql-*.log), or a directory (the data directory's log/ folder), which
/// means every file there with the format's extension.
/// </summary>
internal sealed record LogLocation(string Directory, string FilePattern, bool IsGlob)
{
    private static readonly EnumerationOptions Enumeration = new()
    {
        MatchType = MatchType.Simple,
        MatchCasing = MatchCasing.CaseSensitive,
        IgnoreInaccessible = true,
        RecurseSubdirectories = false,
        AttributesToSkip = FileAttributes.Directory,
    };

    /// <summary>Reads the configured LogPath; throws <see cref="ArgumentException"/> naming the value if unusable.</summary>
    public static LogLocation Parse(string logPath, LogFormat format)
    {
        if (string.IsNullOrWhiteSpace(logPath))
        {
            throw new ArgumentException("LogPath is empty.", nameof(logPath));
        }

        string full = Path.GetFullPath(logPath);
        if (logPath.EndsWith('/') || System.IO.Directory.Exists(full))
        {
            return new LogLocation(Path.TrimEndingDirectorySeparator(full), "*." + ExtensionOf(format), IsGlob: true);
        }

        string directory = Path.GetDirectoryName(full) ?? "/";
        string name = Path.GetFileName(full);
        if (directory.AsSpan().IndexOfAny('*', '?') >= 0)
        {
            throw new ArgumentException(
                $"LogPath '{logPath}' has a wildcard in its directory part; only the file name may be a pattern.", nameof(logPath));
        }

        return new LogLocation(directory, name, IsGlob: name.AsSpan().IndexOfAny('*', '?') >= 0);
    }

    /// <summary>The file to follow now: the path itself, or the glob's newest match by modification time.</summary>
    public string? CurrentFile()
    {
        if (!IsGlob)
        {
            return Path.Combine(Directory, FilePattern);
        }

        string? newest = null;
        DateTime newestTime = DateTime.MinValue;
        try
        {
            foreach (string candidate in System.IO.Directory.EnumerateFiles(Directory, FilePattern, Enumeration))
            {
                DateTime written = File.GetLastWriteTimeUtc(candidate);
                if (newest is null || written > newestTime || (written == newestTime && string.CompareOrdinal(candidate, newest) > 0))
                {
                    newest = candidate;
                    newestTime = written;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A missing or unreadable directory: nothing to follow now; the tailer reports and retries.
            return null;
        }

        return newest;
    }

    /// <summary>Every file the location names that exists now (the glob's matches, or the one path).</summary>
    public IEnumerable<string> Files()
    {
        if (!IsGlob)
        {
            string path = Path.Combine(Directory, FilePattern);
            return File.Exists(path) ? [path] : [];
        }

        return System.IO.Directory.EnumerateFiles(Directory, FilePattern, Enumeration);
    }

    /// <summary>True for a file name in <see cref="Directory"/> that this location follows.</summary>
    public bool Matches(string? fileName) =>
        fileName is not null && (IsGlob ? FileSystemName.MatchesSimpleExpression(FilePattern, fileName, ignoreCase: false) : fileName == FilePattern);

    private static string ExtensionOf(LogFormat format) => format switch
    {
        LogFormat.Stderr => "log",
        LogFormat.Csv => "csv",
        LogFormat.Json => "json",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}

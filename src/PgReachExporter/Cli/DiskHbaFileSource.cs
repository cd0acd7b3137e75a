using System.Text;
using PgReachExporter.Hba.Lint;

namespace PgReachExporter.Cli;

/// <summary>pg_hba.conf and its included files read from the local file system, for lint-hba.</summary>
internal sealed class DiskHbaFileSource : IHbaFileSource
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public HbaFileRead Read(string path)
    {
        try
        {
            // The server opens a directory with fopen(), reads no line from it and goes on: an empty file.
            if (Directory.Exists(path))
                return HbaFileRead.Found("");
            // Decoded without BOM detection: the server sees a byte-order mark as part of the first token.
            return HbaFileRead.Found(Utf8.GetString(File.ReadAllBytes(path)));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return HbaFileRead.NotFound;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return HbaFileRead.Failed(ex.Message);
        }
    }

    public IReadOnlyList<HbaDirectoryEntry>? ListDirectory(string path, out string? problem)
    {
        problem = null;
        try
        {
            return new DirectoryInfo(path).EnumerateFileSystemInfos()
                .Select(e => new HbaDirectoryEntry(e.Name, e is DirectoryInfo))
                .ToArray();
        }
        catch (DirectoryNotFoundException)
        {
            problem = "No such file or directory";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = ex.Message;
        }

        return null;
    }
}

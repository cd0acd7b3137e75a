using System.Runtime.InteropServices;
using static PgReachExporter.Tests.Configuration.ConfigurationReading;

namespace PgReachExporter.Tests.Configuration;

/// <summary>A LogPath that exists must be a regular file (or a directory written with its trailing '/').</summary>
public sealed class LogPathKindTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pgreach-logpath-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string ErrorFor(string path) => ErrorOf(Target($"\"Host\": \"127.0.0.1\", \"LogPath\": \"{path}\""));

    private static string? LogPathOf(string path) => Read(Target($"\"Host\": \"127.0.0.1\", \"LogPath\": \"{path}\"")).Targets[0].LogPath;

    [Fact]
    public void A_device_is_refused()
    {
        Assert.Contains("target 'a': field 'LogPath': '/dev/zero' is not a regular file", ErrorFor("/dev/zero"));
    }

    [Fact]
    public void A_fifo_is_refused()
    {
        var fifo = Path.Combine(_directory, "pipe.log");
        Assert.Equal(0, MakeFifo(fifo, Convert.ToUInt32("600", 8)));

        Assert.Contains("field 'LogPath': ", ErrorFor(fifo));
    }

    [Fact]
    public void A_directory_without_its_trailing_slash_is_refused()
    {
        Assert.Contains("is a directory", ErrorFor(_directory));
    }

    [Fact]
    public void A_directory_with_its_trailing_slash_a_glob_and_a_regular_file_are_accepted()
    {
        var file = Path.Combine(_directory, "postgresql.log");
        File.WriteAllText(file, "");

        Assert.Equal(_directory + "/", LogPathOf(_directory + "/"));
        Assert.Equal(file, LogPathOf(file));
        Assert.NotNull(LogPathOf(Path.Combine(_directory, "postgresql-*.log")));
        Assert.NotNull(LogPathOf(Path.Combine(_directory, "not-yet.log")));
    }

    [DllImport("libc.so.6", EntryPoint = "mkfifo", SetLastError = true, CharSet = CharSet.Ansi)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MakeFifo(string path, uint mode);
}

using PgReachExporter.Configuration;
using PgReachExporter.HostSignals;

namespace PgReachExporter.Tests.HostSignals.Logs;

public sealed class LogLocationTests
{
    [Fact]
    public void File_path_is_followed_as_is()
    {
        Assert.Equal(
            new LogLocation("/var/log/postgresql", "postgresql-16-main.log", IsGlob: false),
            LogLocation.Parse("/var/log/postgresql/postgresql-16-main.log", LogFormat.Stderr));
    }

    [Fact]
    public void Glob_in_the_file_name_follows_the_newest_match()
    {
        Assert.Equal(
            new LogLocation("/var/log/postgresql", "postgresql-*.log", IsGlob: true),
            LogLocation.Parse("/var/log/postgresql/postgresql-*.log", LogFormat.Stderr));
    }

    [Theory]
    [InlineData("Stderr", "*.log")]
    [InlineData("Csv", "*.csv")]
    [InlineData("Json", "*.json")]
    public void Directory_means_the_files_of_the_format(string format, string pattern)
    {
        LogLocation location = LogLocation.Parse("/var/lib/postgresql/data/log/", Enum.Parse<LogFormat>(format));

        Assert.Equal(new LogLocation("/var/lib/postgresql/data/log", pattern, IsGlob: true), location);
    }

    [Fact]
    public void Wildcard_in_the_directory_part_is_refused_naming_the_value()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => LogLocation.Parse("/var/log/*/postgresql.log", LogFormat.Stderr));

        Assert.Contains("LogPath '/var/log/*/postgresql.log'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Newest_match_by_modification_time_is_current()
    {
        using var dir = new TempLogDirectory();
        File.WriteAllText(dir.File("postgresql-b.log"), "x");
        File.WriteAllText(dir.File("postgresql-a.log"), "x");
        File.WriteAllText(dir.File("postgresql-c.csv"), "x");
        File.SetLastWriteTimeUtc(dir.File("postgresql-b.log"), DateTime.UtcNow.AddMinutes(-5));
        File.SetLastWriteTimeUtc(dir.File("postgresql-c.csv"), DateTime.UtcNow.AddMinutes(5));

        Assert.Equal(dir.File("postgresql-a.log"), LogLocation.Parse(dir.File("postgresql-*.log"), LogFormat.Stderr).CurrentFile());
        Assert.Null(LogLocation.Parse(dir.File("none-*.log"), LogFormat.Stderr).CurrentFile());
    }
}

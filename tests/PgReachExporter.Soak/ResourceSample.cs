namespace PgReachExporter.Soak;

/// <summary>The agent's resident memory, threads and open file descriptors at one moment of the run.</summary>
internal sealed record ResourceSample(TimeSpan At, double RssMb, int Threads, int OpenFiles)
{
    public static ResourceSample Read(int pid, TimeSpan at)
    {
        var process = LoadHarness.ProcessSample.Read(pid);
        return new(at, process.RssBytes / 1048576.0, process.Threads, Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count());
    }
}

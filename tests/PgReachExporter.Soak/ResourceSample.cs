namespace PgReachExporter.Soak;

/// <summary>
/// The agent's resident memory, threads and open file descriptors at one moment of the run, and its GC heap as it
/// reports it (dotnet_total_memory_bytes), which tells managed growth from native or runtime growth.
/// </summary>
internal sealed record ResourceSample(TimeSpan At, double RssMb, int Threads, int OpenFiles, double GcHeapMb)
{
    public static ResourceSample Read(int pid, TimeSpan at, double gcHeapBytes)
    {
        var process = LoadHarness.ProcessSample.Read(pid);
        return new(at, process.RssBytes / 1048576.0, process.Threads, Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count(), gcHeapBytes / 1048576.0);
    }
}

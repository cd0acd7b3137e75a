using System.Globalization;
using System.Runtime.InteropServices;

namespace PgReachExporter.LoadHarness;

/// <summary>CPU time and memory of a process at one moment, read from /proc.</summary>
internal sealed record ProcessSample(TimeSpan CpuTime, long RssBytes, long PeakRssBytes, long RssAnonBytes, long RssFileBytes, long RssShmemBytes, int Threads)
{
    private const int ClockTicksName = 2; // _SC_CLK_TCK
    public static readonly double TicksPerSecond = SystemConfiguration(ClockTicksName) is > 0 and var ticks ? ticks : 100;

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SystemConfiguration(int name);

    public static ProcessSample Read(int pid)
    {
        // Fields after the command name, which is in parentheses and may itself contain spaces.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);

        var status = File.ReadAllLines($"/proc/{pid}/status")
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.Ordinal);
        return new(
            TimeSpan.FromSeconds(ticks / TicksPerSecond),
            Kilobytes(status, "VmRSS"),
            Kilobytes(status, "VmHWM"),
            Kilobytes(status, "RssAnon"),
            Kilobytes(status, "RssFile"),
            Kilobytes(status, "RssShmem"),
            int.Parse(status.GetValueOrDefault("Threads", "0"), CultureInfo.InvariantCulture));
    }

    private static long Kilobytes(Dictionary<string, string> status, string field) =>
        status.TryGetValue(field, out var value) ? long.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture) * 1024 : 0;
}

/// <summary>CPU time the whole machine and the harness itself have spent, to tell how busy the machine was besides the agent.</summary>
internal sealed record MachineSample(TimeSpan BusyCpu, TimeSpan HarnessCpu)
{
    public static MachineSample Read()
    {
        // "cpu user nice system idle iowait irq softirq steal ...", in clock ticks.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var busy = fields.Take(8).Sum() - fields[3] - fields[4];
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return new(TimeSpan.FromSeconds(busy / ProcessSample.TicksPerSecond), self.TotalProcessorTime);
    }
}

using System.Runtime.InteropServices;

namespace PgReachExporter.Lab;

/// <summary>The few libc calls .NET has no managed API for.</summary>
internal static class Posix
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigQuit = 3;
    public const int SigTerm = 15;

    public static bool IsRoot { get; } = OperatingSystem.IsLinux() && GetEffectiveUserId() == 0;

    /// <summary>Sends a signal; false when the process does not exist (or is not ours to signal).</summary>
    public static bool Signal(int pid, int signal) => pid > 0 && Kill(pid, signal) == 0;

    /// <summary>True when the process exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0)
        {
            return false;
        }

        try
        {
            // /proc/<pid>/stat: "pid (comm) S ..."; the state letter follows the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault();
            return state is not ('Z' or 'X' or '\0');
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return Signal(pid, 0);
        }
    }

    // DllImport rather than LibraryImport: the generated stubs would need unsafe code in the project.
    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}

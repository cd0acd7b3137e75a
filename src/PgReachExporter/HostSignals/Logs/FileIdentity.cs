using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PgReachExporter.HostSignals;

/// <summary>
/// A file's device and inode, read with Linux statx(2): the same path showing another identity means
/// the file was renamed away or deleted and re-created. statx has one struct layout on every
/// architecture, unlike stat(2), which is why it is used here.
/// </summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxIno = 0x100;
    private const int StatxSize = 256;

    // Offsets in struct statx (include/uapi/linux/stat.h).
    private const int InoOffset = 32;
    private const int DevMajorOffset = 136;
    private const int DevMinorOffset = 140;

    // Probed once: glibc has statx since 2.28; other C libraries may lack it.
    private static readonly bool Supported = OperatingSystem.IsLinux() && Probe();

    /// <summary>Identity of an open file, or null where statx is not available.</summary>
    public static FileIdentity? Of(SafeFileHandle handle)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Query((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Identity of the file a path names now (symlinks followed), or null if none or unknown.</summary>
    public static FileIdentity? Of(string path) => Query(AtFdCwd, path, 0);

    private static bool Probe()
    {
        try
        {
            Span<byte> buffer = stackalloc byte[StatxSize];
            return LinuxNativeMethods.Statx(AtFdCwd, "/", 0, StatxIno, ref MemoryMarshal.GetReference(buffer)) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc, or a libc without statx: the tailer falls back to /proc/self/fd links.
            return false;
        }
    }

    private static FileIdentity? Query(int directoryFd, string path, int flags)
    {
        if (!Supported)
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[StatxSize];
        if (LinuxNativeMethods.Statx(directoryFd, path, flags, StatxIno, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return null;
        }

        ulong device = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(buffer[DevMajorOffset..]) << 32)
            | BinaryPrimitives.ReadUInt32LittleEndian(buffer[DevMinorOffset..]);
        ulong inode = BitConverter.IsLittleEndian
            ? BinaryPrimitives.ReadUInt64LittleEndian(buffer[InoOffset..])
            : BinaryPrimitives.ReadUInt64BigEndian(buffer[InoOffset..]);
        return new FileIdentity(device, inode);
    }
}

/// <summary>The one libc call the tailer needs.</summary>
internal static class LinuxNativeMethods
{
    // DllImport rather than LibraryImport so the project needs no unsafe code; every argument is blittable.
    [DllImport("libc.so.6", EntryPoint = "statx", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Statx(int directoryFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, ref byte buffer);
}

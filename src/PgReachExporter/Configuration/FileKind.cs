using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace PgReachExporter.Configuration;

/// <summary>
/// What a path is now. .NET reports devices and pipes as files (File.Exists("/dev/zero") is true) and opening a FIFO to
/// look blocks, so the type comes from statx(2), whose layout is the same on every Linux architecture.
/// </summary>
internal static class FileKind
{
    public enum Kind
    {
        /// <summary>Nothing there, or the type could not be learnt (not Linux, no permission): nothing to refuse.</summary>
        Unknown,
        RegularFile,
        Directory,
        /// <summary>A character or block device, a FIFO or a socket.</summary>
        Other,
    }

    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;
    private const int StatxSize = 256;
    private const int TypeMask = 0xF000;
    private const int RegularType = 0x8000;
    private const int DirectoryType = 0x4000;

    public static Kind Of(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return Directory.Exists(path) ? Kind.Directory : File.Exists(path) ? Kind.RegularFile : Kind.Unknown;
        }

        var buffer = new byte[StatxSize];
        try
        {
            // Follows symbolic links: a link to a log file is a log file.
            if (Native.Statx(AtFdCwd, NullTerminated(path), 0, StatxType, buffer) != 0)
            {
                return Kind.Unknown;
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return Kind.Unknown;
        }

        var field = buffer.AsSpan(StatxModeOffset);
        var mode = (BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(field) : BinaryPrimitives.ReadUInt16BigEndian(field)) & TypeMask;

        return mode switch
        {
            RegularType => Kind.RegularFile,
            DirectoryType => Kind.Directory,
            _ => Kind.Other,
        };
    }

    private static byte[] NullTerminated(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    /// <summary>The libc call; every argument is blittable.</summary>
    private static class Native
    {
        [DllImport("libc.so.6", EntryPoint = "statx", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Statx(int directoryFd, byte[] path, int flags, uint mask, [Out] byte[] buffer);
    }
}

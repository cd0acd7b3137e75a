using Microsoft.Win32.SafeHandles;

namespace PgReachExporter.HostSignals;

/// <summary>The log file the tailer holds open, where reading stands, and the bytes just before that point.</summary>
internal sealed class FollowedLogFile(string path, SafeFileHandle handle, FileIdentity? identity)
{
    public const int TailFingerprintBytes = 16;

    private readonly byte[] tail = new byte[TailFingerprintBytes];
    private int tailLength;

    public string Path { get; } = path;

    public SafeFileHandle Handle { get; } = handle;

    public FileIdentity? Identity { get; } = identity;

    public long Position { get; set; }

    /// <summary>When a read last found new bytes (or the file was opened), as a <see cref="TimeProvider"/> timestamp.</summary>
    public long LastGrowth { get; set; }

    /// <summary>True once the path no longer names this file and nothing replaced it yet (renamed away or deleted).</summary>
    public bool Vanished { get; set; }

    public void RememberTail(ReadOnlySpan<byte> read)
    {
        if (read.Length >= TailFingerprintBytes)
        {
            read[^TailFingerprintBytes..].CopyTo(tail);
            tailLength = TailFingerprintBytes;
            return;
        }

        int keep = Math.Min(tailLength, TailFingerprintBytes - read.Length);
        tail.AsSpan(tailLength - keep, keep).CopyTo(tail);
        read.CopyTo(tail.AsSpan(keep));
        tailLength = keep + read.Length;
    }

    public void ForgetTail() => tailLength = 0;

    // A truncated file that grew past our position again would pass the length check; its bytes before
    // our position no longer being the ones we read gives it away.
    public bool TailStillMatches()
    {
        if (tailLength == 0)
        {
            return true;
        }

        Span<byte> now = stackalloc byte[TailFingerprintBytes];
        int read = RandomAccess.Read(Handle, now[..tailLength], Position - tailLength);
        return read == tailLength && now[..read].SequenceEqual(tail.AsSpan(0, tailLength));
    }
}

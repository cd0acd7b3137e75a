using System.Globalization;
using System.Net;
using PgReachExporter.Observations;

namespace PgReachExporter.HostSignals;

/// <summary>
/// Parses the text of /proc/net/tcp and /proc/net/tcp6. The kernel prints each address as 32-bit words
/// in host byte order ("0100007F" is 127.0.0.1 on a little-endian machine; tcp6 prints four such words)
/// and the port in network order as plain hex. Malformed rows are skipped.
/// </summary>
internal static class ProcNetTcpParser
{
    /// <summary>Every parsable row of a table written by this machine (the header line is skipped).</summary>
    public static IReadOnlyList<TcpSocketEntry> Parse(string text) => Parse(text, BitConverter.IsLittleEndian);

    /// <summary>Every parsable row of the table (the header line is skipped).</summary>
    /// <param name="text">The file's content.</param>
    /// <param name="littleEndian">Byte order of the machine that wrote the text.</param>
    public static IReadOnlyList<TcpSocketEntry> Parse(string text, bool littleEndian)
    {
        var entries = new List<TcpSocketEntry>();
        foreach (ReadOnlySpan<char> line in text.AsSpan().EnumerateLines())
        {
            if (TryParseLine(line, littleEndian, out TcpSocketEntry? entry))
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    /// <summary>Parses one row such as "0: 0100007F:1538 00000000:0000 0A ... 0 0 25563 1 ...".</summary>
    public static bool TryParseLine(ReadOnlySpan<char> line, bool littleEndian, out TcpSocketEntry entry)
    {
        entry = null!;
        Span<Range> fields = stackalloc Range[11];
        ReadOnlySpan<char> trimmed = line.Trim();
        int count = SplitOnSpaces(trimmed, fields);

        // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
        if (count < 10 || !trimmed[fields[0]].EndsWith(':'))
        {
            return false;
        }

        if (!TryParseEndpoint(trimmed[fields[1]], littleEndian, out IPAddress? local, out int localPort)
            || !TryParseEndpoint(trimmed[fields[2]], littleEndian, out IPAddress? remote, out int remotePort)
            || !byte.TryParse(trimmed[fields[3]], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte state)
            || !int.TryParse(trimmed[fields[7]], NumberStyles.None, CultureInfo.InvariantCulture, out int uid)
            || !long.TryParse(trimmed[fields[9]], NumberStyles.None, CultureInfo.InvariantCulture, out long inode))
        {
            return false;
        }

        entry = new TcpSocketEntry(local, localPort, remote, remotePort, (TcpState)state, uid, inode);
        return true;
    }

    /// <summary>Decodes "0100007F:1538" (tcp) or 32 hex digits and a port (tcp6).</summary>
    public static bool TryParseEndpoint(ReadOnlySpan<char> text, bool littleEndian, out IPAddress address, out int port)
    {
        address = IPAddress.None;
        port = 0;
        int colon = text.IndexOf(':');
        if (colon < 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out port)
            || port > ushort.MaxValue)
        {
            return false;
        }

        ReadOnlySpan<char> hex = text[..colon];
        if (hex.Length != 8 && hex.Length != 32)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[hex.Length / 2];
        for (int word = 0; word < hex.Length / 8; word++)
        {
            if (!uint.TryParse(hex.Slice(word * 8, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint value))
            {
                return false;
            }

            // The word was printed from memory as a host-order integer; write it back the same way.
            Span<byte> target = bytes.Slice(word * 4, 4);
            if (littleEndian)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(target, value);
            }
            else
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(target, value);
            }
        }

        address = new IPAddress(bytes);
        return true;
    }

    private static int SplitOnSpaces(ReadOnlySpan<char> text, Span<Range> fields)
    {
        int count = 0;
        int i = 0;
        while (i < text.Length && count < fields.Length)
        {
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }

            int start = i;
            while (i < text.Length && text[i] != ' ')
            {
                i++;
            }

            if (i > start)
            {
                fields[count++] = new Range(start, i);
            }
        }

        return count;
    }
}

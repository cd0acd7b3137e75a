using System.Text;
using System.Text.Unicode;

namespace PgReachExporter.HostSignals;

/// <summary>
/// Cuts bytes read from a log file into complete lines: keeps a partial last line until its newline
/// arrives, drops lines longer than the cap up to their newline, and decodes invalid UTF-8 with
/// replacement characters instead of throwing.
/// </summary>
internal sealed class LineAssembler(int maxLineBytes)
{
    private byte[] partial = new byte[Math.Min(maxLineBytes, 4096)];
    private int partialLength;
    private bool skipping;

    public long TooLongCount { get; private set; }

    public long DecodeErrorCount { get; private set; }

    /// <summary>Bytes of an unfinished last line held back.</summary>
    public int PendingBytes => partialLength;

    /// <summary>Appends read bytes; every line they complete is added to <paramref name="lines"/>.</summary>
    public void Append(ReadOnlySpan<byte> data, List<string> lines)
    {
        while (!data.IsEmpty)
        {
            int newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                Hold(data);
                return;
            }

            ReadOnlySpan<byte> piece = data[..newline];
            data = data[(newline + 1)..];
            if (skipping)
            {
                skipping = false;
                partialLength = 0;
                continue;
            }

            if (partialLength + piece.Length > maxLineBytes)
            {
                TooLongCount++;
                partialLength = 0;
                continue;
            }

            if (partialLength == 0)
            {
                lines.Add(Decode(piece));
            }
            else
            {
                Hold(piece);
                lines.Add(Decode(partial.AsSpan(0, partialLength)));
                partialLength = 0;
            }
        }
    }

    /// <summary>Forgets the unfinished line (the file was truncated or replaced).</summary>
    public void Clear()
    {
        partialLength = 0;
        skipping = false;
    }

    /// <summary>Ignores everything up to the next newline (reading starts in the middle of a line).</summary>
    public void SkipToNextNewline()
    {
        partialLength = 0;
        skipping = true;
    }

    private void Hold(ReadOnlySpan<byte> data)
    {
        if (skipping)
        {
            return;
        }

        if (partialLength + data.Length > maxLineBytes)
        {
            // Too long already: count it once now and drop the rest of it when its newline comes.
            TooLongCount++;
            partialLength = 0;
            skipping = true;
            return;
        }

        if (partialLength + data.Length > partial.Length)
        {
            Array.Resize(ref partial, Math.Min(maxLineBytes, Math.Max(partial.Length * 2, partialLength + data.Length)));
        }

        data.CopyTo(partial.AsSpan(partialLength));
        partialLength += data.Length;
    }

    private string Decode(ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (!Utf8.IsValid(line))
        {
            DecodeErrorCount++;
        }

        return Encoding.UTF8.GetString(line);
    }
}

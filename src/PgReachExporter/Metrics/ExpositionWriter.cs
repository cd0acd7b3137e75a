using System.Buffers;
using System.Globalization;
using System.Text;
using Prometheus;

namespace PgReachExporter.Metrics;

/// <summary>
/// Writes metric families in the Prometheus text format (0.0.4) or OpenMetrics through one pooled buffer, handing it
/// to the response stream whenever it fills, so a large family never sits in memory as a whole.
/// </summary>
internal sealed class ExpositionWriter : IAsyncDisposable
{
    /// <summary>The most bytes <see cref="WriteCountLine"/> writes: a 64-bit integer, ".0" and the line end.</summary>
    public const int MaxCountLineBytes = 24;

    private const int BufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly ExpositionFormat _format;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _used;

    public ExpositionWriter(Stream stream, ExpositionFormat format)
    {
        _stream = stream;
        _format = format;
    }

    public ExpositionFormat Format => _format;

    /// <summary>The HELP and TYPE lines of a family.</summary>
    public async ValueTask WriteFamilyHeaderAsync(string name, string help, string type, CancellationToken cancel)
    {
        var line = $"# HELP {name} {EscapeHelp(help, _format)}\n# TYPE {name} {type}\n";
        await ReserveAsync(Encoding.UTF8.GetMaxByteCount(line.Length), cancel).ConfigureAwait(false);
        _used += Encoding.UTF8.GetBytes(line, _buffer.AsSpan(_used));
    }

    /// <summary>Makes room for at least <paramref name="bytes"/> more bytes, writing out what the buffer holds if needed.</summary>
    public async ValueTask ReserveAsync(int bytes, CancellationToken cancel)
    {
        if (_buffer.Length - _used < bytes)
        {
            await FlushAsync(cancel).ConfigureAwait(false);
            EnsureCapacity(bytes);
        }
    }

    /// <summary>An upper bound of the bytes <see cref="WriteSeriesPrefix"/> writes for these labels.</summary>
    public static int MaxSeriesPrefixBytes(string name, IReadOnlyList<string> labelNames, IReadOnlyList<string> labelValues)
    {
        var chars = name.Length + 1;
        for (var i = 0; i < labelNames.Count; i++)
        {
            // name="value", with every character of the value escaped to two.
            chars += labelNames[i].Length + 4 + (2 * labelValues[i].Length);
        }

        return Encoding.UTF8.GetMaxByteCount(chars);
    }

    /// <summary>
    /// Writes `name{label="value",...` without the closing brace, for the caller to add more labels, the brace and the
    /// value. With no labels it writes the name only. Call <see cref="ReserveAsync"/> first.
    /// </summary>
    public void WriteSeriesPrefix(string name, IReadOnlyList<string> labelNames, IReadOnlyList<string> labelValues)
    {
        WriteAscii(name);
        for (var i = 0; i < labelNames.Count; i++)
        {
            WriteAscii(i == 0 ? "{" : ",");
            WriteAscii(labelNames[i]);
            WriteAscii("=\"");
            WriteEscapedLabelValue(labelValues[i]);
            WriteAscii("\"");
        }
    }

    /// <summary>Bytes already encoded; call <see cref="ReserveAsync"/> first.</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer.AsSpan(_used));
        _used += bytes.Length;
    }

    /// <summary>A counter's value and the line end: an integer, with ".0" in OpenMetrics (as prometheus-net writes it).</summary>
    public void WriteCountLine(long count)
    {
        count.TryFormat(_buffer.AsSpan(_used), out var written, provider: CultureInfo.InvariantCulture);
        _used += written;
        WriteAscii(_format == ExpositionFormat.OpenMetricsText ? ".0\n" : "\n");
    }

    /// <summary>The most bytes <see cref="WriteValueLine"/> writes: `} `, the shortest round-trip double, ".0" and the line end.</summary>
    public const int MaxValueLineBytes = 40;

    /// <summary>
    /// The end of a series line: the closing brace (when the prefix had labels), a double as prometheus-net writes it
    /// (shortest round-trip, NaN, +Inf, -Inf; an integral value as an integer, with ".0" in OpenMetrics) and the line end.
    /// </summary>
    public void WriteValueLine(double value)
    {
        WriteAscii("} ");
        if (double.IsNaN(value))
        {
            WriteAscii("NaN\n");
        }
        else if (double.IsPositiveInfinity(value))
        {
            WriteAscii("+Inf\n");
        }
        else if (double.IsNegativeInfinity(value))
        {
            WriteAscii("-Inf\n");
        }
        else if (Math.Abs(value) < 9e18 && value == Math.Floor(value))
        {
            WriteCountLine((long)value);
        }
        else
        {
            value.TryFormat(_buffer.AsSpan(_used), out var written, "R", CultureInfo.InvariantCulture);
            // 1e-07 rather than 1E-07, as prometheus-net writes it.
            _buffer.AsSpan(_used, written).Replace((byte)'E', (byte)'e');
            _used += written;
            WriteAscii("\n");
        }
    }

    public async ValueTask FlushAsync(CancellationToken cancel)
    {
        if (_used > 0)
        {
            await _stream.WriteAsync(_buffer.AsMemory(0, _used), cancel).ConfigureAwait(false);
            _used = 0;
        }
    }

    public ValueTask DisposeAsync()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        return ValueTask.CompletedTask;
    }

    /// <summary>Label values escape backslash, double quote and line feed (the same in both formats).</summary>
    public static string EscapeLabelValue(string value) =>
        value.AsSpan().IndexOfAny("\\\"\n") < 0 ? value : value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    /// <summary>HELP escapes backslash and line feed; OpenMetrics also escapes double quotes.</summary>
    public static string EscapeHelp(string help, ExpositionFormat format)
    {
        var escaped = help.Replace("\\", "\\\\").Replace("\n", "\\n");
        return format == ExpositionFormat.OpenMetricsText ? escaped.Replace("\"", "\\\"") : escaped;
    }

    private void WriteAscii(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            _buffer[_used++] = (byte)text[i];
        }
    }

    private void WriteEscapedLabelValue(string value)
    {
        if (value.AsSpan().IndexOfAny("\\\"\n") >= 0)
        {
            value = EscapeLabelValue(value);
        }

        _used += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_used));
    }

    private void EnsureCapacity(int bytes)
    {
        if (_buffer.Length - _used >= bytes)
        {
            return;
        }

        // Only what is reserved at once and is larger than the whole buffer gets here (the buffer was just written out):
        // the lines of a label set with values of tens of kilobytes.
        var larger = ArrayPool<byte>.Shared.Rent(_used + bytes);
        _buffer.AsSpan(0, _used).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}

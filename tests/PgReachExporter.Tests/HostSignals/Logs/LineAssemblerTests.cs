using System.Text;
using PgReachExporter.HostSignals;

namespace PgReachExporter.Tests.HostSignals.Logs;

public sealed class LineAssemblerTests
{
    [Fact]
    public void Lines_split_across_reads_come_out_whole()
    {
        var assembler = new LineAssembler(100);
        var lines = new List<string>();

        foreach (string piece in new[] { "ab", "c\nde", "", "f\r\n", "\n", "g" })
        {
            assembler.Append(Encoding.UTF8.GetBytes(piece), lines);
        }

        Assert.Equal(["abc", "def", ""], lines);
        Assert.Equal(1, assembler.PendingBytes);
    }

    [Fact]
    public void Line_over_the_cap_is_dropped_once_whether_it_arrives_whole_or_in_pieces()
    {
        var assembler = new LineAssembler(8);
        var lines = new List<string>();

        assembler.Append(Encoding.UTF8.GetBytes("123456789\nok\n12345"), lines);
        assembler.Append(Encoding.UTF8.GetBytes("6789"), lines);
        assembler.Append(Encoding.UTF8.GetBytes("more more\nfine\n12345678\n"), lines);

        Assert.Equal(["ok", "fine", "12345678"], lines);
        Assert.Equal(2, assembler.TooLongCount);
    }

    [Fact]
    public void Multibyte_character_split_between_reads_is_decoded_whole()
    {
        var assembler = new LineAssembler(100);
        var lines = new List<string>();
        byte[] text = Encoding.UTF8.GetBytes("Grüße\n");

        assembler.Append(text.AsSpan(0, 3), lines);
        assembler.Append(text.AsSpan(3), lines);

        Assert.Equal(["Grüße"], lines);
        Assert.Equal(0, assembler.DecodeErrorCount);
    }

    [Fact]
    public void Skip_to_next_newline_drops_the_rest_of_the_current_line()
    {
        var assembler = new LineAssembler(100);
        var lines = new List<string>();

        assembler.SkipToNextNewline();
        assembler.Append(Encoding.UTF8.GetBytes("tail of old\nnew\n"), lines);

        Assert.Equal(["new"], lines);
    }
}

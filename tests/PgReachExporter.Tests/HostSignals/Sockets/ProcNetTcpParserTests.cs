using System.Net;
using PgReachExporter.HostSignals;
using PgReachExporter.Observations;

namespace PgReachExporter.Tests.HostSignals.Sockets;

public sealed class ProcNetTcpParserTests
{
    private static string Recorded(string file) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HostSignals", "TestData", "proc-net", file));

    [Fact]
    public void Ipv4_rows_decode_address_port_state_uid_and_inode()
    {
        IReadOnlyList<TcpSocketEntry> entries = ProcNetTcpParser.Parse(Recorded("tcp"), littleEndian: true);

        Assert.Equal(8, entries.Count);
        Assert.Equal(new TcpSocketEntry(IPAddress.Parse("127.0.0.1"), 37083, IPAddress.Any, 0, TcpState.Listen, 0, 380173), entries[1]);
        Assert.Equal(new TcpSocketEntry(IPAddress.Parse("127.0.0.2"), 33449, IPAddress.Any, 0, TcpState.Listen, 0, 380178), entries[0]);
        Assert.Equal(new TcpSocketEntry(IPAddress.Any, 40705, IPAddress.Any, 0, TcpState.Listen, 0, 380174), entries[2]);
        Assert.Equal(
            new TcpSocketEntry(IPAddress.Loopback, 37083, IPAddress.Loopback, 40062, TcpState.Established, 0, 0),
            entries[3]);
        Assert.Equal(TcpState.TimeWait, entries[5].State);
    }

    [Fact]
    public void Ipv6_rows_decode_loopback_wildcard_and_mapped_addresses()
    {
        IReadOnlyList<TcpSocketEntry> entries = ProcNetTcpParser.Parse(Recorded("tcp6"), littleEndian: true);

        Assert.Equal(
            [
                (IPAddress.IPv6Loopback, 48693),
                (IPAddress.Parse("::ffff:127.0.0.1"), 56249),
                (IPAddress.IPv6Any, 40951),
            ],
            entries.Select(e => (e.LocalAddress, e.LocalPort)));
        Assert.All(entries, e => Assert.Equal(TcpState.Listen, e.State));
    }

    [Theory]
    [InlineData("0100007F:1538", true, "127.0.0.1", 5432)]
    [InlineData("7F000001:1538", false, "127.0.0.1", 5432)]
    [InlineData("00000000:0000", true, "0.0.0.0", 0)]
    [InlineData("0A01A8C0:FFFF", true, "192.168.1.10", 65535)]
    [InlineData("B80D0120000000000000000001000000:1538", true, "2001:db8::1", 5432)]
    [InlineData("20010DB8000000000000000000000001:1538", false, "2001:db8::1", 5432)]
    [InlineData("000080FE00000000FF565002BD69B1FE:0016", true, "fe80::250:56ff:feb1:69bd", 22)]
    public void Endpoints_decode_in_the_writer_s_byte_order(string text, bool littleEndian, string address, int port)
    {
        Assert.True(ProcNetTcpParser.TryParseEndpoint(text, littleEndian, out IPAddress parsed, out int parsedPort));

        Assert.Equal((IPAddress.Parse(address), port), (parsed, parsedPort));
    }

    [Theory]
    [InlineData("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode")]
    [InlineData("   0: 0100007F:1538 00000000:0000 0A")]
    [InlineData("   0: 0100007:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 25563 1")]
    [InlineData("   0: 0100007F:1538 00000000:0000 ZZ 00000000:00000000 00:00000000 00000000   101        0 25563 1")]
    [InlineData("")]
    public void Header_and_malformed_rows_are_skipped(string line)
    {
        Assert.Empty(ProcNetTcpParser.Parse(line, littleEndian: true));
    }

    [Fact]
    public void Row_of_another_user_keeps_its_uid()
    {
        const string Row = "   3: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 25563 1 0000000000000000 100 0 0 10 0";

        TcpSocketEntry entry = Assert.Single(ProcNetTcpParser.Parse(Row, littleEndian: true));

        Assert.Equal((101, 25563L, 5432), (entry.Uid, entry.Inode, entry.LocalPort));
    }
}

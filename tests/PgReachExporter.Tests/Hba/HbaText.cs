using System.Net;
using System.Net.Sockets;
using PgReachExporter.Hba;

namespace PgReachExporter.Tests.Hba;

/// <summary>Writes pg_hba rows the way pg_hba_file_rules shows them, from pg_hba.conf-like text.</summary>
/// <remarks>
/// One line per row, numbered by position (blank lines count, like the file). "ERROR msg" makes an unparsable row.
/// A CIDR address is split into address + netmask, as the view does; pass viewLike: false to keep it as written.
/// </remarks>
internal static class HbaText
{
    public static IReadOnlyList<HbaRule> Rules(string text, bool viewLike = true)
    {
        var rows = new List<HbaRule>();
        var lines = text.Replace("\r", "").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            rows.Add(Row(line, i + 1, viewLike));
        }

        return rows;
    }

    public static HbaRule Rule(string line, int lineNumber = 1, bool viewLike = true) => Row(line.Trim(), lineNumber, viewLike);

    private static HbaRule Row(string line, int lineNumber, bool viewLike)
    {
        if (line.StartsWith("ERROR ", StringComparison.Ordinal))
            return new HbaRule { LineNumber = lineNumber, Error = line[6..], FileName = "/etc/postgresql/pg_hba.conf" };

        var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var type = fields[0];
        var next = 3;
        string? address = null, netmask = null;
        if (type != "local")
        {
            address = fields[next++];
            if (!address.Contains('/') && IPAddress.TryParse(address, out _)
                && (address.Contains(':') || address.Count(c => c == '.') == 3))
                netmask = fields[next++];
            else if (viewLike && address.Contains('/'))
                (address, netmask) = Split(address);
        }

        var method = fields[next++];
        return new HbaRule
        {
            RuleNumber = lineNumber,
            FileName = "/etc/postgresql/pg_hba.conf",
            LineNumber = lineNumber,
            Type = type,
            Databases = fields[1].Split(','),
            Users = fields[2].Split(','),
            Address = address,
            Netmask = netmask,
            AuthMethod = method,
            Options = fields.Length > next ? fields[next..] : null,
        };
    }

    private static (string Address, string Netmask) Split(string cidr)
    {
        var slash = cidr.IndexOf('/');
        var address = IPAddress.Parse(cidr[..slash]);
        var prefix = int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var bytes = new byte[address.AddressFamily == AddressFamily.InterNetwork ? 4 : 16];
        for (var bit = 0; bit < prefix; bit++)
            bytes[bit / 8] |= (byte)(0x80 >> (bit % 8));
        return (address.ToString(), new IPAddress(bytes).ToString());
    }

    public static HbaClient Client(string address, string database = "orders", string user = "app", HbaConnectionType type = HbaConnectionType.Host) =>
        new("client", address, database, user, type);

    public static HbaClient Local(string database = "orders", string user = "app") =>
        new("local client", null, database, user, HbaConnectionType.Local);
}

using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PgReachExporter.Hba;

/// <summary>An address with a mask, matched the way PostgreSQL's check_ip does: same family, then (client AND mask) == (address AND mask).</summary>
/// <remarks>
/// Families never mix: an IPv4 rule does not match an IPv6 client, IPv4-mapped IPv6 clients (::ffff:a.b.c.d)
/// included, exactly as the server compares socket address families. Masks need not be contiguous.
/// Addresses are held right-aligned in a <see cref="UInt128"/> (IPv4 in the low 32 bits).
/// </remarks>
internal readonly record struct IpNetwork(AddressFamily Family, UInt128 Address, UInt128 Mask)
{
    private static readonly UInt128 Ipv4Space = uint.MaxValue;

    public UInt128 FamilySpace => Family == AddressFamily.InterNetwork ? Ipv4Space : UInt128.MaxValue;

    public UInt128 First => Address & Mask;

    public UInt128 Last => First | (~Mask & FamilySpace);

    /// <summary>True when the mask is a prefix (a CIDR), so the network is one interval of addresses.</summary>
    public bool IsContiguous
    {
        get
        {
            var hostBits = ~Mask & FamilySpace;
            return (hostBits & (hostBits + 1)) == 0;
        }
    }

    /// <summary>Every address of <paramref name="other"/> is in this network.</summary>
    public bool Covers(in IpNetwork other) =>
        Family == other.Family
        && (Mask & ~other.Mask) == 0
        && ((Address ^ other.Address) & Mask) == 0;

    /// <summary>At least one address is in both networks.</summary>
    public bool Overlaps(in IpNetwork other) =>
        Family == other.Family && ((Address ^ other.Address) & Mask & other.Mask) == 0;

    /// <summary>The whole address space of one family (0.0.0.0/0 or ::/0).</summary>
    public static IpNetwork WholeFamily(AddressFamily family) => new(family, 0, 0);

    /// <summary>A single address (/32 or /128).</summary>
    public static IpNetwork Host(IPAddress address)
    {
        var network = FromAddress(address);
        return network with { Mask = network.FamilySpace };
    }

    /// <summary>Parses "addr", "addr/bits" (a missing mask means a single address). For expected clients.</summary>
    public static bool TryParseClient(string text, out IpNetwork network)
    {
        network = default;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!TryParseAddress(addressText, out var address))
            return false;
        network = Host(address);
        return slash < 0 || TryApplyPrefix(ref network, text[(slash + 1)..]);
    }

    /// <summary>Parses a rule's address column ("addr" or "addr/bits") with its netmask column.</summary>
    /// <returns>null on success, else why the address is unusable.</returns>
    public static string? TryParseRule(string address, string? netmask, out IpNetwork network)
    {
        network = default;
        var slash = address.IndexOf('/');
        var addressText = slash < 0 ? address : address[..slash];
        if (!TryParseAddress(addressText, out var ip))
            return $"invalid IP address \"{addressText}\"";
        network = Host(ip);
        if (slash >= 0)
        {
            if (!TryApplyPrefix(ref network, address[(slash + 1)..]))
                return $"invalid CIDR mask in address \"{address}\"";
            if (netmask is null)
                return null;
            var agrees = TryParseAddress(netmask, out var given)
                && FromAddress(given) is var givenMask
                && givenMask.Family == network.Family
                && givenMask.Address == network.Mask;
            return agrees ? null : $"netmask \"{netmask}\" disagrees with \"{address}\"";
        }

        if (netmask is null)
            return $"IP address \"{address}\" has no netmask";
        if (!TryParseAddress(netmask, out var maskIp))
            return $"invalid IP mask \"{netmask}\"";
        var mask = FromAddress(maskIp);
        if (mask.Family != network.Family)
            return "IP address and mask do not match";
        network = network with { Mask = mask.Address };
        return null;
    }

    public override string ToString()
    {
        var address = ToIpAddress(First);
        if (!IsContiguous)
            return $"{address} {ToIpAddress(Mask)}";
        var bits = Family == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits - (int)UInt128.PopCount(~Mask & FamilySpace);
        return $"{address}/{prefix.ToString(CultureInfo.InvariantCulture)}";
    }

    private IPAddress ToIpAddress(UInt128 value)
    {
        if (Family == AddressFamily.InterNetwork)
            return new IPAddress(BitConverter.IsLittleEndian
                ? BinaryPrimitives.ReverseEndianness((uint)value)
                : (uint)value);
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    private static bool TryParseAddress(string text, out IPAddress address)
    {
        // Only dotted IPv4 or IPv6 text counts; IPAddress.TryParse would also take "10" or "0x0a".
        address = IPAddress.None;
        if (text.Length == 0 || (text.IndexOf(':') < 0 && text.Count(c => c == '.') != 3))
            return false;
        if (!IPAddress.TryParse(text, out var parsed))
            return false;
        address = parsed;
        return parsed.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;
    }

    private static bool TryApplyPrefix(ref IpNetwork network, string prefixText)
    {
        var bits = network.Family == AddressFamily.InterNetwork ? 32 : 128;
        if (!int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > bits)
            return false;
        var mask = prefix == 0 ? UInt128.Zero : (network.FamilySpace << (bits - prefix)) & network.FamilySpace;
        network = network with { Mask = mask };
        return true;
    }

    private static IpNetwork FromAddress(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        if (written == 4)
            return new IpNetwork(AddressFamily.InterNetwork, BinaryPrimitives.ReadUInt32BigEndian(bytes), 0);
        return new IpNetwork(AddressFamily.InterNetworkV6, BinaryPrimitives.ReadUInt128BigEndian(bytes), 0);
    }
}

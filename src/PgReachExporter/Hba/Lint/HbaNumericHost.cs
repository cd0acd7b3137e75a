using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PgReachExporter.Hba.Lint;

/// <summary>
/// What getaddrinfo(AI_NUMERICHOST) on glibc accepts as an address, which is how the server tells an IP address
/// from a host name: IPv6 text, or IPv4 in any inet_aton() form ("10.1" is 10.0.0.1, "0x7f.1" is 127.0.0.1, a
/// leading 0 means octal). Anything else is a host name to the server.
/// </summary>
internal static class HbaNumericHost
{
    public static bool TryParse(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Contains(':'))
        {
            // glibc takes a scope after % (fe80::1%2, or fe80::1%eth0 when the server has that interface, which the
            // linter assumes); matching ignores it, so the address is kept without it.
            var percent = text.IndexOf('%');
            var bare = percent < 0 ? text : text[..percent];
            if (percent == text.Length - 1 || bare.Contains('[') || !IPAddress.TryParse(bare, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
                return false;
            address = v6;
            return true;
        }

        if (!TryParseInetAton(text, out var value))
            return false;
        address = new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
        return true;
    }

    /// <summary>The address as text PostgreSQL and <see cref="IpNetwork"/> both read the same way.</summary>
    public static string Canonical(IPAddress address) => address.ToString();

    private static bool TryParseInetAton(string text, out uint value)
    {
        value = 0;
        var parts = text.Split('.');
        if (parts.Length > 4)
            return false;
        var numbers = new ulong[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryParsePart(parts[i], out numbers[i]))
                return false;
        }

        // Every part but the last is one byte; the last fills the remaining bytes.
        for (var i = 0; i < numbers.Length - 1; i++)
        {
            if (numbers[i] > 0xff)
                return false;
            value |= (uint)numbers[i] << (24 - (8 * i));
        }

        var lastMax = numbers.Length switch
        {
            1 => 0xffff_ffffUL,
            2 => 0xff_ffffUL,
            3 => 0xffffUL,
            _ => 0xffUL,
        };
        if (numbers[^1] > lastMax)
            return false;
        value |= (uint)numbers[^1];
        return true;
    }

    private static bool TryParsePart(string part, out ulong number)
    {
        number = 0;
        if (part.Length == 0)
            return false;
        if (part.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            // glibc wants at least one hex digit after 0x.
            return part.Length > 2 && (part.Length <= 18 && ulong.TryParse(part.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out number));
        }

        if (part.Length > 1 && part[0] == '0')
        {
            // Octal; more than 12 digits is beyond 32 bits anyway.
            if (part.Length > 13)
                return false;
            foreach (var c in part.AsSpan(1))
            {
                if (c is < '0' or > '7')
                    return false;
                number = (number * 8) + (ulong)(c - '0');
            }

            return true;
        }

        return part.All(char.IsAsciiDigit) && ulong.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }
}

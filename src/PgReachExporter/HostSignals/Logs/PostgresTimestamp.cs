using System.Globalization;

namespace PgReachExporter.HostSignals;

/// <summary>Reads the timestamps PostgreSQL writes in logs (%m, %t, %n, csvlog, jsonlog).</summary>
internal static class PostgresTimestamp
{
    /// <summary>
    /// Parses "2024-05-01 12:00:00[.123] ZONE" or an epoch "1714564800.123". Only zones with a fixed
    /// meaning are accepted (UTC, GMT, Z, numeric offsets); abbreviations such as CST are ambiguous.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value, out int consumed)
    {
        value = default;
        consumed = 0;
        if (text.Length >= 19 && text[4] == '-' && text[7] == '-' && text[10] == ' ' && text[13] == ':' && text[16] == ':')
        {
            return TryParseCalendar(text, out value, out consumed);
        }

        return TryParseEpoch(text, out value, out consumed);
    }

    private static bool TryParseCalendar(ReadOnlySpan<char> text, out DateTimeOffset value, out int consumed)
    {
        value = default;
        consumed = 0;
        int end = 19;
        if (end < text.Length && text[end] == '.')
        {
            end++;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }
        }

        if (!DateTime.TryParseExact(text[..end], ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF"],
                CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime local))
        {
            return false;
        }

        if (end >= text.Length || text[end] != ' ')
        {
            return false;
        }

        int zoneStart = end + 1;
        int zoneEnd = zoneStart;
        while (zoneEnd < text.Length && text[zoneEnd] != ' ' && text[zoneEnd] != ']' && text[zoneEnd] != '>' && text[zoneEnd] != ',')
        {
            zoneEnd++;
        }

        if (!TryParseZone(text[zoneStart..zoneEnd], out TimeSpan offset))
        {
            return false;
        }

        value = new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), offset);
        consumed = zoneEnd;
        return true;
    }

    private static bool TryParseZone(ReadOnlySpan<char> zone, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (zone is "UTC" or "GMT" or "UCT" or "Z" or "Etc/UTC")
        {
            return true;
        }

        if (zone.Length < 2 || (zone[0] != '+' && zone[0] != '-'))
        {
            return false;
        }

        // PostgreSQL prints numeric zones as +HH, +HHMM or +HH:MM.
        ReadOnlySpan<char> digits = zone[1..];
        int hours = 0;
        int minutes = 0;
        bool parsed = digits.Length switch
        {
            2 => TwoDigits(digits, 0, out hours),
            4 => TwoDigits(digits, 0, out hours) && TwoDigits(digits, 2, out minutes),
            5 => digits[2] == ':' && TwoDigits(digits, 0, out hours) && TwoDigits(digits, 3, out minutes),
            _ => false,
        };
        if (!parsed)
        {
            return false;
        }

        if (hours > 14 || minutes > 59)
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        if (zone[0] == '-')
        {
            offset = -offset;
        }

        return true;
    }

    private static bool TwoDigits(ReadOnlySpan<char> text, int at, out int value)
    {
        value = 0;
        if (!char.IsAsciiDigit(text[at]) || !char.IsAsciiDigit(text[at + 1]))
        {
            return false;
        }

        value = ((text[at] - '0') * 10) + (text[at + 1] - '0');
        return true;
    }

    private static bool TryParseEpoch(ReadOnlySpan<char> text, out DateTimeOffset value, out int consumed)
    {
        value = default;
        consumed = 0;
        int end = 0;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        // Ten digits: seconds since 1970 from 2001 to 2286; anything shorter is a pid or a counter.
        if (end != 10 || end >= text.Length || text[end] != '.')
        {
            return false;
        }

        int fractionEnd = end + 1;
        while (fractionEnd < text.Length && char.IsAsciiDigit(text[fractionEnd]))
        {
            fractionEnd++;
        }

        if (fractionEnd == end + 1
            || !decimal.TryParse(text[..fractionEnd], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal seconds))
        {
            return false;
        }

        value = DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        consumed = fractionEnd;
        return true;
    }
}

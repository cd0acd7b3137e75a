namespace PgReachExporter.Hba.Lint;

/// <summary>
/// The one common regular-expression mistake .NET accepts and PostgreSQL does not: a bound ("{" then a digit) that is
/// not closed or is out of order. .NET reads "a{2" as literal text; PostgreSQL's ARE parser rejects it. A bound ends
/// up unclosed easily in pg_hba.conf, because an unquoted comma splits "/a{2,3}" into "/a{2" and "3}".
/// </summary>
internal static class HbaRegexBounds
{
    // RE_DUP_MAX in PostgreSQL's regex library.
    private const int MaxRepeat = 255;

    public static string? Problem(string pattern)
    {
        var inBracket = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                i++;
                continue;
            }

            if (inBracket)
            {
                inBracket = c != ']';
                continue;
            }

            if (c == '[')
            {
                inBracket = true;
                // A ] right after [ or [^ is a member, not the end.
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                    i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                    i++;
                continue;
            }

            if (c != '{' || i + 1 >= pattern.Length || !char.IsAsciiDigit(pattern[i + 1]))
                continue;
            var close = pattern.IndexOf('}', i);
            if (close < 0)
                return "a {} bound is not closed";
            var parts = pattern[(i + 1)..close].Split(',');
            if (parts.Length > 2 || !parts.All(p => p.All(char.IsAsciiDigit)) || parts[0].Length == 0)
                return "a {} bound is not closed";
            var low = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            var high = parts.Length == 2 && parts[1].Length > 0 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : low;
            if (low > MaxRepeat || high > MaxRepeat || low > high)
                return "a {} bound has counts out of order or above 255";
            i = close;
        }

        return null;
    }
}

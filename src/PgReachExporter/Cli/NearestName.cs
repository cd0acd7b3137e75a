namespace PgReachExporter.Cli;

/// <summary>The known name a mistyped one most likely meant ("--confg" → "--config"), for the hint of a usage error.</summary>
internal static class NearestName
{
    private const int MaxEdits = 2;

    /// <summary>
    /// The candidate within two edits (insert, delete, substitute, swap two neighbours; case ignored) of
    /// <paramref name="typed"/>, and closer than half its length, or null when none is that close.
    /// </summary>
    public static string? Find(string typed, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(typed.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return bestDistance <= MaxEdits && bestDistance * 2 < typed.Length ? best : null;
    }

    /// <summary>Optimal string alignment distance: Levenshtein plus the swap of two adjacent characters.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}

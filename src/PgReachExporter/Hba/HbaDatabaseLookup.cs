using System.Collections.Frozen;

namespace PgReachExporter.Hba;

/// <summary>Which lines a client can possibly match given its database name, so evaluation skips lines for other databases.</summary>
/// <remarks>
/// A line whose database list holds only plain names can match only clients of those databases; every other line
/// (a keyword, a regular expression, an unknown type) is always tried. The two position lists are disjoint and ascending.
/// </remarks>
internal sealed class HbaDatabaseLookup
{
    private readonly int[] _alwaysTried;
    private readonly FrozenDictionary<int, int[]> _byDatabase;

    private HbaDatabaseLookup(int[] alwaysTried, FrozenDictionary<int, int[]> byDatabase)
    {
        _alwaysTried = alwaysTried;
        _byDatabase = byDatabase;
    }

    public static HbaDatabaseLookup Build(IReadOnlyList<HbaCompiledRule> rules)
    {
        var always = new List<int>();
        var byDatabase = new Dictionary<int, List<int>>();
        foreach (var rule in rules)
        {
            if (rule.Problem is not null || rule.Databases.Length == 0 || rule.Databases.Any(t => t.Kind != HbaDatabaseTokenKind.Name))
            {
                always.Add(rule.Position);
                continue;
            }

            foreach (var id in rule.Databases.Select(t => t.Id).Distinct())
            {
                if (!byDatabase.TryGetValue(id, out var list))
                    byDatabase[id] = list = [];
                list.Add(rule.Position);
            }
        }

        return new HbaDatabaseLookup(always.ToArray(), byDatabase.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray()));
    }

    /// <summary>Positions, ascending, of every line that might match a client of this database.</summary>
    public IEnumerable<int> CandidatesFor(int databaseId)
    {
        var named = _byDatabase.GetValueOrDefault(databaseId, []);
        int a = 0, n = 0;
        while (a < _alwaysTried.Length || n < named.Length)
        {
            if (n == named.Length || (a < _alwaysTried.Length && _alwaysTried[a] < named[n]))
                yield return _alwaysTried[a++];
            else
                yield return named[n++];
        }
    }
}

namespace PgReachExporter.Hba;

/// <summary>Earlier lines by database entry, so each line is compared only with lines that share a database entry or have all.</summary>
internal sealed class HbaDatabaseIndex
{
    private readonly Dictionary<(HbaDatabaseTokenKind, int), List<int>> _byToken = [];
    private readonly List<int> _withAll = [];

    public void Add(HbaCompiledRule rule)
    {
        foreach (var token in rule.Databases)
        {
            List<int>? list;
            if (token.Kind == HbaDatabaseTokenKind.All)
                list = _withAll;
            else if (!_byToken.TryGetValue((token.Kind, token.Id), out list))
                _byToken[(token.Kind, token.Id)] = list = [];
            if (list.Count == 0 || list[^1] != rule.Position)
                list.Add(rule.Position);
        }
    }

    /// <summary>Sets up the stream of earlier lines with an entry covering at least one of the later line's entries.</summary>
    public void StartCandidates(HbaCompiledRule later, HbaCandidateStream stream)
    {
        stream.Reset();
        var anyNonReplication = false;
        foreach (var token in later.Databases)
        {
            anyNonReplication |= token.Kind != HbaDatabaseTokenKind.Replication;
            if (_byToken.TryGetValue((token.Kind, token.Id), out var list))
                stream.AddSource(list);
        }

        if (anyNonReplication)
            stream.AddSource(_withAll);
    }
}

/// <summary>Merges a few ascending position lists lazily, without repeats, so a line covered early stops the work early.</summary>
internal sealed class HbaCandidateStream
{
    private readonly List<List<int>> _sources = [];
    private readonly List<int> _cursors = [];
    private int _last = -1;

    public void Reset()
    {
        _sources.Clear();
        _cursors.Clear();
        _last = -1;
    }

    public void AddSource(List<int> positions)
    {
        _sources.Add(positions);
        _cursors.Add(0);
    }

    public bool TryNext(out int position)
    {
        position = int.MaxValue;
        var from = -1;
        for (var i = 0; i < _sources.Count; i++)
        {
            var source = _sources[i];
            var cursor = _cursors[i];
            while (cursor < source.Count && source[cursor] <= _last)
                cursor++;
            _cursors[i] = cursor;
            if (cursor < source.Count && source[cursor] < position)
            {
                position = source[cursor];
                from = i;
            }
        }

        if (from < 0)
            return false;
        _last = position;
        return true;
    }
}

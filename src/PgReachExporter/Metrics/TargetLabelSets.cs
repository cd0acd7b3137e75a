using System.Collections.Concurrent;

namespace PgReachExporter.Metrics;

/// <summary>
/// The label sets each target has in a family with labels after "target" (first), so that a target's series are found
/// without scanning the family. A target has few label sets (its addresses, its causes), so each target's are a small
/// array under a lock: about 150 bytes per target instead of a concurrent dictionary's 600.
/// </summary>
internal sealed class TargetLabelSets
{
    private readonly ConcurrentDictionary<string, Sets> _byTarget = new(StringComparer.Ordinal);

    /// <summary>Notes a label set (called on every write: finding it already noted costs a short scan).</summary>
    public void Add(string[] labels) => _byTarget.GetOrAdd(labels[0], static _ => new Sets()).Add(labels);

    public void Remove(string[] labels)
    {
        if (_byTarget.TryGetValue(labels[0], out var sets))
        {
            sets.Remove(labels);
        }
    }

    /// <summary>The label sets of a target (a copy), forgetting them when <paramref name="forget"/>.</summary>
    public string[][] Of(string target, bool forget = false) =>
        (forget ? _byTarget.TryRemove(target, out var sets) : _byTarget.TryGetValue(target, out sets)) ? sets.Snapshot() : [];

    private sealed class Sets
    {
        private readonly Lock _gate = new();
        private string[][] _sets = [];

        public void Add(string[] labels)
        {
            lock (_gate)
            {
                foreach (var known in _sets)
                {
                    if (LabelValuesComparer.Instance.Equals(known, labels))
                    {
                        return;
                    }
                }

                _sets = [.. _sets, labels];
            }
        }

        public void Remove(string[] labels)
        {
            lock (_gate)
            {
                _sets = [.. _sets.Where(known => !LabelValuesComparer.Instance.Equals(known, labels))];
            }
        }

        public string[][] Snapshot()
        {
            lock (_gate)
            {
                return _sets;
            }
        }
    }
}

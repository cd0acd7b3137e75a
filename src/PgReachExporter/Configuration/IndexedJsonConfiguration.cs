using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace PgReachExporter.Configuration;

/// <summary>
/// A JSON configuration file whose sections are listed from an index built once per load. The framework's provider
/// answers every "children of this section" question by scanning all of the file's keys, so reading a file of N
/// targets, each a section with sections of its own, took time in N² (over a minute at 10,000 targets); with the
/// index each question costs the size of its answer.
/// </summary>
internal static class IndexedJsonConfiguration
{
    /// <summary>As <c>AddJsonFile</c>, with the indexed provider.</summary>
    public static IConfigurationBuilder AddIndexedJsonFile(this IConfigurationBuilder builder, string path, bool optional) =>
        builder.Add<IndexedJsonConfigurationSource>(source =>
        {
            source.Path = path;
            source.Optional = optional;
            source.ReloadOnChange = false;
            source.ResolveFileProvider();
        });

    private sealed class IndexedJsonConfigurationSource : JsonConfigurationSource
    {
        public override IConfigurationProvider Build(IConfigurationBuilder builder)
        {
            EnsureDefaults(builder);
            return new IndexedJsonConfigurationProvider(this);
        }
    }

    private sealed class IndexedJsonConfigurationProvider(JsonConfigurationSource source) : JsonConfigurationProvider(source)
    {
        private readonly ChildKeyIndex _index = new();

        public override void Load(Stream stream)
        {
            base.Load(stream);
            _index.Rebuild(Data.Keys);
        }

        public override void Set(string key, string? value)
        {
            base.Set(key, value);
            _index.Add(key);
        }

        public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) =>
            _index.ChildKeys(earlierKeys, parentPath);
    }
}

/// <summary>
/// The child segments of every section path of a flat key set ("a:b:c" gives a → b under "a" → c under "a:b"),
/// case-insensitive as configuration keys are, answering as <c>ConfigurationProvider.GetChildKeys</c> does: the
/// children merged with the earlier providers' keys, sorted with the configuration key order.
/// </summary>
internal sealed class ChildKeyIndex
{
    // The top level apart: a key may be the empty string, and the section it names is not the root.
    private HashSet<string> _top = new(StringComparer.OrdinalIgnoreCase);
    private Dictionary<string, HashSet<string>> _children = new(StringComparer.OrdinalIgnoreCase);

    public void Rebuild(IEnumerable<string> keys)
    {
        var top = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var children = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in keys)
        {
            Add(top, children, key);
        }

        (_top, _children) = (top, children);
    }

    public void Add(string key) => Add(_top, _children, key);

    private static void Add(HashSet<string> top, Dictionary<string, HashSet<string>> children, string key)
    {
        var start = 0;
        string? parent = null;
        while (true)
        {
            var end = key.IndexOf(ConfigurationPath.KeyDelimiter, start, StringComparison.Ordinal);
            var segment = end < 0 ? key[start..] : key[start..end];
            if (parent is null)
            {
                top.Add(segment);
            }
            else if (children.TryGetValue(parent, out var set))
            {
                set.Add(segment);
            }
            else
            {
                children[parent] = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { segment };
            }

            if (end < 0)
            {
                return;
            }

            parent = key[..end];
            start = end + 1;
        }
    }

    public IEnumerable<string> ChildKeys(IEnumerable<string> earlierKeys, string? parentPath)
    {
        var results = new List<string>();
        if (parentPath is null)
        {
            results.AddRange(_top);
        }
        else if (_children.TryGetValue(parentPath, out var set))
        {
            results.AddRange(set);
        }

        results.AddRange(earlierKeys);
        results.Sort(ConfigurationKeyComparer.Instance);
        return results;
    }
}

using Microsoft.Extensions.Configuration;

namespace PgReachExporter.Configuration;

/// <summary>
/// A configuration section's fields, each read with the shape it must have. The configuration is flat (a JSON list
/// becomes children "0", "1", ..., <c>[]</c> an empty value, <c>{}</c> and null a key with no value and no children),
/// so a shape is told from what the key holds: a single value, or none with or without children. The section's
/// children are listed once, because every listing scans all keys of every source.
/// </summary>
internal sealed class SectionFields
{
    private readonly Dictionary<string, IConfigurationSection> _children;
    private readonly Action<string, string> _fail;

    public SectionFields(IConfiguration section, Action<string, string> fail)
    {
        _children = section.GetChildren().ToDictionary(c => c.Key, StringComparer.OrdinalIgnoreCase);
        _fail = fail;
    }

    /// <summary>The fields present, as written.</summary>
    public IEnumerable<string> Keys => _children.Keys;

    public int Count => _children.Count;

    public bool Has(string field) => _children.ContainsKey(field);

    /// <summary>
    /// A single value, or null when the field is absent. A list, a section, null, an empty value and (unless it is a
    /// secret, which is never echoed) control characters are reported, and give null too.
    /// </summary>
    public string? Scalar(string field, bool secret = false)
    {
        if (!_children.TryGetValue(field, out var child))
        {
            return null;
        }

        if (child.Value is null)
        {
            _fail(field, "must be a single value, not a list or a section");
            return null;
        }

        if (string.IsNullOrWhiteSpace(child.Value))
        {
            _fail(field, "is empty or null; leave the field out to use its default");
            return null;
        }

        if (child.Value.Any(char.IsControl))
        {
            _fail(field, secret ? "contains control characters" : $"{ConfigurationError.Quote(child.Value)} contains control characters");
            return null;
        }

        return child.Value;
    }

    /// <summary>A section (possibly empty), or null when absent; a single value or null where a section belongs is reported.</summary>
    public IConfigurationSection? Section(string field, string expected)
    {
        if (!_children.TryGetValue(field, out var child))
        {
            return null;
        }

        if (child.Value is not null)
        {
            // An empty value is "" or [] in JSON: either way nothing is given where something was meant.
            _fail(field, child.Value.Length == 0 ? $"is empty; give {expected} or leave the field out" : $"must be {expected}, not a single value");
            return null;
        }

        return child;
    }

    /// <summary>The field as it is, for a field that may be either a single value or a section.</summary>
    public IConfigurationSection? Raw(string field) => _children.GetValueOrDefault(field);
}

using System.Collections.Frozen;

namespace PgReachExporter.Hba;

/// <summary>What one entry of a rule's database list stands for.</summary>
internal enum HbaDatabaseTokenKind
{
    All,
    SameUser,
    SameRole,
    Replication,
    Regex,
    Name,
}

/// <summary>What one entry of a rule's user list stands for.</summary>
internal enum HbaUserTokenKind
{
    All,
    Group,
    Regex,
    Name,
}

/// <summary>One database-list entry; <see cref="Text"/> is the name or the whole "/regex".</summary>
/// <param name="Id">Same number for the same text within one rule set (so comparisons are integer compares); -1 for keywords.</param>
internal readonly record struct HbaDatabaseToken(HbaDatabaseTokenKind Kind, string Text, int Id)
{
    // The view has lost the quotes, so a keyword-looking entry is taken as the keyword (PostgreSQL itself
    // only treats it so when unquoted). Entries starting with "/" are regular expressions (PostgreSQL 16+).
    // A literal entry (quoted in pg_hba.conf text, where the quotes are known) is a name whatever it looks like.
    public static HbaDatabaseToken Parse(string text, HbaNameTable names, bool literal = false) =>
        literal ? new(HbaDatabaseTokenKind.Name, text, names.IdOf(text)) : ParseWord(text, names);

    private static HbaDatabaseToken ParseWord(string text, HbaNameTable names) => text switch
    {
        "all" => new(HbaDatabaseTokenKind.All, text, -1),
        "sameuser" => new(HbaDatabaseTokenKind.SameUser, text, -1),
        "samerole" or "samegroup" => new(HbaDatabaseTokenKind.SameRole, text, -1),
        "replication" => new(HbaDatabaseTokenKind.Replication, text, -1),
        _ when text.StartsWith('/') => new(HbaDatabaseTokenKind.Regex, text, names.IdOf(text)),
        _ => new(HbaDatabaseTokenKind.Name, text, names.IdOf(text)),
    };
}

/// <summary>One user-list entry; for <see cref="HbaUserTokenKind.Group"/> <see cref="Text"/> is the role without "+".</summary>
/// <param name="Id">Same number for the same text within one rule set; -1 for all.</param>
internal readonly record struct HbaUserToken(HbaUserTokenKind Kind, string Text, int Id)
{
    public static HbaUserToken Parse(string text, HbaNameTable names, bool literal = false) =>
        literal ? new(HbaUserTokenKind.Name, text, names.IdOf(text)) : ParseWord(text, names);

    private static HbaUserToken ParseWord(string text, HbaNameTable names) => text switch
    {
        "all" => new(HbaUserTokenKind.All, text, -1),
        _ when text.StartsWith('+') => new(HbaUserTokenKind.Group, text[1..], names.IdOf(text[1..])),
        _ when text.StartsWith('/') => new(HbaUserTokenKind.Regex, text, names.IdOf(text)),
        _ => new(HbaUserTokenKind.Name, text, names.IdOf(text)),
    };

    public override string ToString() => Kind == HbaUserTokenKind.Group ? "+" + Text : Text;
}

/// <summary>Numbers the distinct names of one rule set, so that shadow detection compares integers, not strings.</summary>
internal sealed class HbaNameTable
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    public int IdOf(string name)
    {
        if (!_ids.TryGetValue(name, out var id))
            _ids[name] = id = _ids.Count;
        return id;
    }

    /// <summary>A read-only copy for matching, where a name no rule mentions gets <see cref="HbaNameIds.Absent"/>.</summary>
    public HbaNameIds Freeze() => new(_ids.ToFrozenDictionary(StringComparer.Ordinal));
}

/// <summary>The frozen name numbering of one rule set.</summary>
internal sealed class HbaNameIds(FrozenDictionary<string, int> ids)
{
    /// <summary>The id of a name that no rule mentions; never equal to a token's id.</summary>
    public const int Absent = -2;

    public int IdOf(string name) => ids.TryGetValue(name, out var id) ? id : Absent;
}

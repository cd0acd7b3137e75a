namespace PgReachExporter.Hba;

/// <summary>One row of pg_hba_file_rules (PostgreSQL 15-18), as the server reports it.</summary>
/// <remarks>
/// The view shows tokens after the server's own parsing: quotes are gone, so a quoted "all" looks like the
/// keyword all and is treated as the keyword; @file includes are already expanded; an address written as
/// CIDR appears as address + netmask. <see cref="RuleNumber"/> and <see cref="FileName"/> exist from
/// PostgreSQL 16 on and are null before that.
/// </remarks>
internal sealed record HbaRule
{
    public int? RuleNumber { get; init; }
    public string? FileName { get; init; }
    public required int LineNumber { get; init; }

    /// <summary>local, host, hostssl, hostnossl, hostgssenc or hostnogssenc; null on a line that failed to parse.</summary>
    public string? Type { get; init; }

    public IReadOnlyList<string> Databases { get; init; } = [];
    public IReadOnlyList<string> Users { get; init; } = [];

    /// <summary>
    /// Per entry of <see cref="Databases"/>: true when it is a plain name whatever it looks like (a quoted "all", or
    /// "/x" before PostgreSQL 16). Only pg_hba.conf text shows this; null for rows read from the view.
    /// </summary>
    public IReadOnlyList<bool>? LiteralDatabases { get; init; }

    /// <summary>Per entry of <see cref="Users"/>: true for a plain name (a quoted "all" or "+x"); null when unknown.</summary>
    public IReadOnlyList<bool>? LiteralUsers { get; init; }

    /// <summary>An IP address (optionally with /bits), all, samehost, samenet or a host name; null for local.</summary>
    public string? Address { get; init; }

    public string? Netmask { get; init; }
    public string? AuthMethod { get; init; }
    public IReadOnlyList<string>? Options { get; init; }

    /// <summary>Why the server could not use this line; null for a usable line.</summary>
    public string? Error { get; init; }

    public bool IsReject => string.Equals(AuthMethod, "reject", StringComparison.Ordinal);

    /// <summary>Where the line is, for people: "pg_hba.conf:12" or "line 12".</summary>
    public string Location => FileName is null
        ? $"line {LineNumber}"
        : $"{Path.GetFileName(FileName)}:{LineNumber}";

    /// <summary>The line in pg_hba.conf layout, for messages.</summary>
    public string Describe()
    {
        if (Type is null)
            return Error ?? "(unparsable line)";
        var address = Address is null ? "" : Netmask is null ? $" {Address}" : $" {Address} {Netmask}";
        return $"{Type} {string.Join(',', Databases)} {string.Join(',', Users)}{address} {AuthMethod}";
    }
}

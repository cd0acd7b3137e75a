namespace PgReachExporter.Hba.Lint;

/// <summary>What pg_hba.conf does with one expected client: admitted (true), rejected (false) or undecidable offline (null), and by which line.</summary>
internal sealed record HbaClientVerdict(HbaClient Client, bool? Allowed, string? File, int? Line, string Reason);

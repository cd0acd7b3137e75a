namespace PgReachExporter.Hba.Lint;

/// <summary>One token of a pg_hba.conf field, as PostgreSQL's next_token() returns it.</summary>
/// <param name="Text">The token with its quotes removed ("" inside quotes is one ").</param>
/// <param name="Quoted">The token began with a quote, so it is never a keyword, a +group or an @file.</param>
internal readonly record struct HbaAuthToken(string Text, bool Quoted);

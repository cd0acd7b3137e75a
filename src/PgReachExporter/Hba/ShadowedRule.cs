namespace PgReachExporter.Hba;

/// <summary>A line that can never be the first match because earlier lines together match everything it could.</summary>
internal sealed record ShadowedRule(HbaRule Rule, IReadOnlyList<HbaRule> CoveredBy, string Reason);

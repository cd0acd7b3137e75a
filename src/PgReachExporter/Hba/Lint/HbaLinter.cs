namespace PgReachExporter.Hba.Lint;

/// <summary>
/// lint-hba's core: pg_hba.conf text read as one PostgreSQL major reads it, then judged with the shared rule engine
/// (shadowed lines, expected clients) and the risk rules. Pure: included files come through <see cref="IHbaFileSource"/>.
/// </summary>
internal static class HbaLinter
{
    public static HbaLintReport Lint(string path, string text, HbaDialect dialect, IHbaFileSource files, IReadOnlyList<HbaClient> clients)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(clients);
        var tokenized = new HbaTokenizer(dialect, files).Tokenize(path, text);
        var lines = tokenized.Select((line, i) => HbaLineParser.Parse(line, dialect, i + 1)).ToArray();
        var findings = new List<HbaLintFinding>();
        foreach (var line in lines)
        {
            if (line.Error is not null)
                findings.Add(new HbaLintFinding(line.Source.File, line.Source.LineNumber, HbaLintSeverity.Error, HbaLintKind.Syntax, line.Error));
            foreach (var note in line.Notes)
                findings.Add(new HbaLintFinding(line.Source.File, line.Source.LineNumber, HbaLintSeverity.Info, HbaLintKind.Syntax, note));
        }

        if (lines.Length == 0)
            findings.Add(new HbaLintFinding(path, 0, HbaLintSeverity.Error, HbaLintKind.Syntax,
                "the file has no rules: the server refuses to start with it and ignores it on reload"));

        var set = HbaRuleSet.Compile(lines.Select(l => l.Rule));
        foreach (var shadowed in HbaRuleEngine.FindShadowedRules(set, membership: null))
        {
            var first = shadowed.CoveredBy[0];
            findings.Add(new HbaLintFinding(shadowed.Rule.FileName!, shadowed.Rule.LineNumber, HbaLintSeverity.Warning, HbaLintKind.Shadowed,
                shadowed.Reason, first.LineNumber, first.FileName));
        }

        findings.AddRange(HbaRiskRules.Find(set, dialect));

        var verdicts = HbaRuleEngine.EvaluateAll(set, clients, membership: null)
            .Select(d => new HbaClientVerdict(d.Client, d.Allowed, d.MatchedRule?.FileName, d.MatchedRule?.LineNumber, Offline(d.Reason)))
            .ToArray();
        return new HbaLintReport(path, dialect.Major, lines, Ordered(findings, lines), verdicts);
    }

    // Findings in the order the server reads the lines (includes in place), the worst first within a line.
    private static HbaLintFinding[] Ordered(List<HbaLintFinding> findings, HbaParsedLine[] lines)
    {
        var order = new Dictionary<(string, int), int>();
        for (var i = 0; i < lines.Length; i++)
            order.TryAdd((lines[i].Source.File, lines[i].Source.LineNumber), i);
        return findings
            .OrderBy(f => order.TryGetValue((f.File, f.Line), out var i) ? i : -1)
            .ThenByDescending(f => f.Severity)
            .ToArray();
    }

    // The engine words role membership for the live check, which reads pg_auth_members; offline only the server knows it.
    private static string Offline(string reason) =>
        reason.Replace("needs role membership, and pg_auth_members could not be read", "needs role membership, which only the server knows",
            StringComparison.Ordinal);
}

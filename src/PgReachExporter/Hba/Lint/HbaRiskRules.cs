using System.Globalization;

namespace PgReachExporter.Hba.Lint;

/// <summary>Lines that load and can match but admit more than is usually meant.</summary>
internal static class HbaRiskRules
{
    public static IEnumerable<HbaLintFinding> Find(HbaRuleSet set, HbaDialect dialect)
    {
        var rules = set.Rules;
        for (var i = 0; i < rules.Length; i++)
        {
            var rule = rules[i].Rule;
            var file = rule.FileName!;
            var local = rule.Type == "local";
            var wholeSpace = !local && IsWholeSpace(rule);
            var where = $"\"{rule.Describe()}\"";
            switch (rule.AuthMethod)
            {
                case "trust" when !local:
                    yield return Risky(file, rule, HbaLintSeverity.Warning, wholeSpace
                        ? $"{where} trusts every address: anyone who can reach the port logs in without a password"
                        : $"{where} uses trust on a host line: anyone who can connect from {rule.Address} logs in without a password");
                    break;
                case "password" or "md5" or "scram-sha-256" when wholeSpace:
                    yield return Risky(file, rule, HbaLintSeverity.Warning,
                        $"{where} accepts password logins from every address; name the client networks instead");
                    break;
            }

            if (rule.AuthMethod == "md5")
            {
                // PostgreSQL 18 deprecates MD5 passwords; before that md5 is merely weaker than SCRAM.
                yield return Risky(file, rule, dialect.Major >= 18 ? HbaLintSeverity.Warning : HbaLintSeverity.Info,
                    $"{where} uses md5 where scram-sha-256 would do (md5 lines already use SCRAM for roles with SCRAM passwords)"
                    + (dialect.Major >= 18 ? "; MD5 passwords are deprecated in PostgreSQL 18" : ""));
            }

            // Over SSL or GSSAPI encryption the clear-text password is protected on the wire.
            if (rule.AuthMethod == "password" && rule.Type is not ("hostssl" or "hostgssenc" or "local"))
            {
                yield return Risky(file, rule, HbaLintSeverity.Warning,
                    $"{where} sends the password in clear text over connections that need not be encrypted");
            }

            if (rule.IsReject && BlocksEverything(rules[i]) && FirstBlocked(rules, i) is { } blocked)
            {
                var count = rules.Skip(i + 1).Count(r => (r.Transports & rules[i].Transports) != 0);
                yield return Risky(file, rule, HbaLintSeverity.Warning,
                    $"{where} rejects every connection of its type, so the {count.ToString(CultureInfo.InvariantCulture)} later line(s) for such connections "
                    + $"can match only the connections it does not cover (first: {blocked.Location})",
                    blocked);
            }
        }
    }

    /// <summary>all, 0.0.0.0/0, ::/0, or any address with an all-zero netmask.</summary>
    internal static bool IsWholeSpace(HbaRule rule) =>
        rule.Address == "all" || (rule.Address is { } address && IpNetwork.TryParseRule(address, rule.Netmask, out var network) is null && network.Mask == 0);

    private static bool BlocksEverything(HbaCompiledRule rule) =>
        rule.Databases.Any(d => d.Kind == HbaDatabaseTokenKind.All)
        && rule.Users.Any(u => u.Kind == HbaUserTokenKind.All)
        && (rule.AddressKind is HbaAddressKind.None or HbaAddressKind.All || (rule.AddressKind == HbaAddressKind.Network && rule.Network.Mask == 0));

    private static HbaRule? FirstBlocked(HbaCompiledRule[] rules, int index) =>
        rules.Skip(index + 1).FirstOrDefault(r => (r.Transports & rules[index].Transports) != 0)?.Rule;

    private static HbaLintFinding Risky(string file, HbaRule rule, HbaLintSeverity severity, string message, HbaRule? related = null) =>
        new(file, rule.LineNumber, severity, HbaLintKind.Risky, message, related?.LineNumber, related?.FileName);
}

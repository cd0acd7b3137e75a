using System.Globalization;
using System.Text;
using PgReachExporter.Hba.Lint;

namespace PgReachExporter.Cli;

/// <summary>lint-hba's text output: one line per finding and per client, then a summary line.</summary>
internal static class LintHbaTextReport
{
    public static string Render(LintHbaView view)
    {
        var report = view.Report;
        var text = new StringBuilder();
        foreach (var finding in report.Findings)
        {
            var related = finding.RelatedLine is { } line ? $" (see {view.Where(finding.RelatedFile ?? finding.File, line)})" : "";
            text.Append(CultureInfo.InvariantCulture,
                $"{view.Where(finding.File, finding.Line)}: {LintHbaView.Word(finding.Severity)} [{LintHbaView.Word(finding.Kind)}] {finding.Message}{related}\n");
        }

        foreach (var client in report.Clients)
        {
            var verdict = client.Allowed switch
            {
                true => "allowed",
                false => "REJECTED",
                null => "undecidable offline",
            };
            var by = client.Line is { } line ? $" by {view.Where(client.File!, line)}" : "";
            text.Append(CultureInfo.InvariantCulture, $"client {client.Client.Name}: {verdict}{by}: {client.Reason}\n");
        }

        int Count(HbaLintSeverity severity) => report.Findings.Count(f => f.Severity == severity);
        text.Append(CultureInfo.InvariantCulture,
            $"{view.Path(report.File)} (PostgreSQL {report.PgVersion}): {Count(HbaLintSeverity.Error)} error(s), {Count(HbaLintSeverity.Warning)} warning(s), {Count(HbaLintSeverity.Info)} note(s)");
        if (report.Clients.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"; clients: {report.Clients.Count(c => c.Allowed == true)} allowed, {report.Clients.Count(c => c.Allowed == false)} rejected, {report.Clients.Count(c => c.Allowed is null)} undecidable");
        }

        text.Append(view.Fails ? $"; fails at --fail-on {LintHbaView.Word(view.FailOn)}\n" : "\n");
        return text.ToString();
    }
}

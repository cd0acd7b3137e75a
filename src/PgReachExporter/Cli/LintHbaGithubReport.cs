using System.Globalization;
using System.Text;
using PgReachExporter.Hba.Lint;

namespace PgReachExporter.Cli;

/// <summary>lint-hba's GitHub Actions output: one workflow command (::error, ::warning, ::notice) per finding and per failing client.</summary>
internal static class LintHbaGithubReport
{
    public static string Render(LintHbaView view)
    {
        var text = new StringBuilder();
        foreach (var finding in view.Report.Findings)
        {
            var line = finding.Line > 0 ? $",line={finding.Line.ToString(CultureInfo.InvariantCulture)}" : "";
            text.Append(CultureInfo.InvariantCulture,
                $"::{Command(finding.Severity)} file={Property(view.Path(finding.File))}{line},title={Property($"lint-hba {LintHbaView.Word(finding.Kind)}")}::{Message(finding.Message)}\n");
        }

        foreach (var client in view.Report.Clients)
        {
            if (LintHbaView.Severity(client) is not { } severity)
                continue;
            var file = Property(view.Path(client.File ?? view.Report.File));
            var line = client.Line is { } l ? $",line={l.ToString(CultureInfo.InvariantCulture)}" : "";
            var verdict = client.Allowed == false ? "is rejected" : "cannot be decided offline";
            text.Append(CultureInfo.InvariantCulture,
                $"::{Command(severity)} file={file}{line},title={Property($"lint-hba client {client.Client.Name}")}::{Message($"client {client.Client.Name} {verdict}: {client.Reason}")}\n");
        }

        return text.ToString();
    }

    private static string Command(HbaLintSeverity severity) => severity switch
    {
        HbaLintSeverity.Error => "error",
        HbaLintSeverity.Warning => "warning",
        _ => "notice",
    };

    // The escaping of GitHub's workflow commands: data escapes %, CR and LF; properties also : and ,.
    private static string Message(string text) =>
        text.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    private static string Property(string text) =>
        Message(text).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}

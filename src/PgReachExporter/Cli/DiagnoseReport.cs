using System.Globalization;
using System.Text;
using PgReachExporter.Configuration;
using PgReachExporter.Diagnosis;
using PgReachExporter.Web;

namespace PgReachExporter.Cli;

/// <summary>The plain-text report of `diagnose`: probe steps, one line per layer, the verdict, then each finding.</summary>
internal static class DiagnoseReport
{
    public static string Render(TargetStatus status, TimeSpan timeout)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"pgreach diagnose {status.User}@{status.Endpoint}/{status.Database} (connect timeout {DurationParser.Format(timeout)})\n\n");

        var targetWidth = status.Probes.Select(p => p.Target.Length).DefaultIfEmpty(0).Max();
        foreach (var step in status.Probes)
        {
            var line = $"  {step.Step,-6} {step.Target.PadRight(targetWidth)}  {step.Result,-12} {EvidenceText.Duration(TimeSpan.FromSeconds(step.DurationSeconds)),9}";
            text.Append(line.TrimEnd());
            if (step.Detail is { Length: > 0 } detail)
            {
                text.Append("  ").Append(detail);
            }

            text.Append('\n');
        }

        text.Append('\n');
        foreach (var layer in status.Layers)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {layer.Layer,-10} {Upper(layer.Status),-8} {layer.Detail}\n");
        }

        text.Append("\nverdict: ").Append(status.Summary).Append('\n');
        if (status.State == "ok")
        {
            return text.ToString();
        }

        var number = 0;
        foreach (var finding in status.Findings)
        {
            number++;
            text.Append(CultureInfo.InvariantCulture, $"\n{number}. {finding.Cause} ({finding.Layer}, {finding.Severity}): {finding.Title}\n");
            foreach (var fact in finding.Evidence)
            {
                text.Append("   - ").Append(fact).Append('\n');
            }

            text.Append("   next step: ").Append(finding.NextStep).Append('\n');
        }

        return text.ToString();
    }

    // Problems stand out in upper case; states that are fine stay quiet.
    private static string Upper(string status) => status is "failed" or "warning" ? status.ToUpperInvariant() : status;
}

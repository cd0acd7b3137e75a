using System.Globalization;
using System.Text;
using System.Xml;
using PgReachExporter.Hba.Lint;

namespace PgReachExporter.Cli;

/// <summary>
/// lint-hba's JUnit XML output: one testcase per finding and per expected client; a testcase fails when it is at
/// least as severe as --fail-on. A file without findings or clients still has one passing testcase.
/// </summary>
internal static class LintHbaJunitReport
{
    public static string Render(LintHbaView view)
    {
        var report = view.Report;
        var cases = new List<(string Class, string Name, string Message, HbaLintSeverity? Severity)>();
        foreach (var finding in report.Findings)
            cases.Add(($"lint-hba.{LintHbaView.Word(finding.Kind)}", view.Where(finding.File, finding.Line), finding.Message, finding.Severity));
        foreach (var client in report.Clients)
            cases.Add(("lint-hba.client", client.Client.Name, client.Reason, LintHbaView.Severity(client)));
        if (cases.Count == 0)
            cases.Add(("lint-hba.file", view.Path(report.File), "no findings", null));

        var failures = cases.Count(c => Fails(c.Severity, view.FailOn));
        var output = new StringBuilder();
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false };
        using (var xml = XmlWriter.Create(new StringWriterUtf8(output), settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", "lint-hba");
            xml.WriteAttributeString("tests", Number(cases.Count));
            xml.WriteAttributeString("failures", Number(failures));
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", $"{view.Path(report.File)} (PostgreSQL {Number(report.PgVersion)})");
            xml.WriteAttributeString("tests", Number(cases.Count));
            xml.WriteAttributeString("failures", Number(failures));
            xml.WriteAttributeString("errors", "0");
            foreach (var (className, name, message, severity) in cases)
            {
                xml.WriteStartElement("testcase");
                xml.WriteAttributeString("classname", className);
                xml.WriteAttributeString("name", name);
                if (Fails(severity, view.FailOn))
                {
                    xml.WriteStartElement("failure");
                    xml.WriteAttributeString("type", LintHbaView.Word(severity!.Value));
                    xml.WriteAttributeString("message", message);
                    xml.WriteString(message);
                    xml.WriteEndElement();
                }
                else
                {
                    xml.WriteElementString("system-out", severity is { } s ? $"{LintHbaView.Word(s)}: {message}" : message);
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return output.Append('\n').ToString();
    }

    private static bool Fails(HbaLintSeverity? severity, HbaLintSeverity failOn) => severity is { } s && s >= failOn;

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A StringWriter that declares UTF-8, so the XML declaration says encoding="utf-8" rather than utf-16.</summary>
    private sealed class StringWriterUtf8(StringBuilder builder) : StringWriter(builder, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => Encoding.UTF8;
    }
}

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using PgReachExporter.Hba.Lint;

namespace PgReachExporter.Cli;

/// <summary>The JSON output of lint-hba: one object (documented in docs/lint-hba.md).</summary>
internal sealed record LintHbaJsonReport(
    string File, int PgVersion, bool Loadable, IReadOnlyList<LintHbaJsonFinding> Findings, IReadOnlyList<LintHbaJsonClient> Clients)
{
    public static LintHbaJsonReport From(LintHbaView view)
    {
        var report = view.Report;
        return new LintHbaJsonReport(
            view.Path(report.File),
            report.PgVersion,
            report.Lines.Count > 0 && report.Lines.All(l => l.IsLoaded),
            report.Findings.Select(f => new LintHbaJsonFinding(view.Path(f.File), f.Line, LintHbaView.Word(f.Severity), LintHbaView.Word(f.Kind),
                f.Message, f.RelatedLine, f.RelatedFile is null ? null : view.Path(f.RelatedFile))).ToArray(),
            report.Clients.Select(c => new LintHbaJsonClient(c.Client.Name, c.Allowed, c.File is null ? null : view.Path(c.File), c.Line, c.Reason)).ToArray());
    }

    public string Serialize() => JsonSerializer.Serialize(this, LintHbaJsonContext.Readable.LintHbaJsonReport);
}

/// <summary>One finding; related_line and related_file name the earlier line of a shadowed or blocked line.</summary>
internal sealed record LintHbaJsonFinding(string File, int Line, string Severity, string Kind, string Message, int? RelatedLine, string? RelatedFile);

/// <summary>One expected client: allowed true, false, or null when only the server can tell; line is the deciding line.</summary>
internal sealed record LintHbaJsonClient(string Name, bool? Allowed, string? File, int? Line, string Reason);

/// <summary>Source-generated (reflection-free, for the native build) snake_case JSON of lint-hba.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(LintHbaJsonReport))]
internal sealed partial class LintHbaJsonContext : JsonSerializerContext
{
    /// <summary>Printed, never embedded in HTML, so readable escaping is safe.</summary>
    public static LintHbaJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

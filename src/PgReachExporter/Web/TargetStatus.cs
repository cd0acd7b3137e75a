using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PgReachExporter.Web;

/// <summary>The body of GET /api/targets: every target's verdict. Field names are snake_case; see docs/api.md.</summary>
internal sealed record TargetsResponse(DateTimeOffset GeneratedAt, IReadOnlyList<TargetStatus> Targets);

/// <summary>One target as the status page, the JSON API and `diagnose --json` show it; never carries a password.</summary>
/// <param name="State">"ok", "warning", "critical", or "pending" before the first probe cycle completes.</param>
/// <param name="Reachable">Null while pending.</param>
/// <param name="Since">Since when the current verdict holds.</param>
/// <param name="Changes">How often the verdict changed since the agent started probing the target.</param>
/// <param name="Sources">Evidence the verdict used: "probe", "server", "host".</param>
internal sealed record TargetStatus(
    string Name,
    string Endpoint,
    string Host,
    int Port,
    string Database,
    string User,
    string State,
    bool? Reachable,
    string Summary,
    DateTimeOffset? Since,
    DateTimeOffset? LastProbe,
    long Changes,
    IReadOnlyList<string> Sources,
    IReadOnlyList<LayerStatusEntry> Layers,
    IReadOnlyList<FindingEntry> Findings,
    IReadOnlyList<ProbeStep> Probes);

/// <summary>One layer's state: "ok", "warning", "failed" or "unknown".</summary>
internal sealed record LayerStatusEntry(string Layer, string Status, string Detail);

/// <summary>One finding; cause and layer are the labels of pgreach_diagnosis.</summary>
internal sealed record FindingEntry(string Layer, string Cause, string Severity, string Title, IReadOnlyList<string> Evidence, string NextStep);

/// <summary>One step of the last probe cycle: "dns", "tcp" (per address), "unix" or "login".</summary>
/// <param name="Target">What was probed: the host name, an address:port, a socket path, or user@database.</param>
/// <param name="Result">The result label, as in the probe metrics.</param>
internal sealed record ProbeStep(string Step, string Target, string Result, double DurationSeconds, string? Detail);

/// <summary>Source-generated JSON for the API, snake_case.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(TargetsResponse))]
[JsonSerializable(typeof(TargetStatus))]
internal sealed partial class StatusJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The options used for output: readable text (no \u0060 for a backquote) is safe because the JSON is served as
    /// application/json or printed, never embedded in HTML.
    /// </summary>
    public static StatusJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

using System.Globalization;
using System.Text;

namespace PgReachExporter.Soak;

/// <summary>
/// The run's figures as a Markdown report, and the checks that decide the exit code: memory slope after warm-up,
/// thread and descriptor growth, lost events, flagged agent output, stage failures, failed requests, an agent that died.
/// </summary>
internal sealed class SoakReport
{
    private readonly List<(string Figure, string Value, string Limit, bool Ok)> _rows = [];
    private readonly StringBuilder _text = new();

    public SoakReport(SoakOptions options, string setup, IReadOnlyList<ResourceSample> samples, AgentSampler sampler, AgentOutput output,
        IReadOnlyList<ChaosOutcome> events, bool agentDied, TimeSpan ran)
    {
        var warm = samples.Where(s => s.At >= options.WarmupLength).ToArray();
        var window = warm.Length >= 2 ? warm[^1].At - warm[0].At : TimeSpan.Zero;
        var slope = Statistics.Slope([.. warm.Select(s => (s.At.TotalHours, s.RssMb))]);
        var fitted = double.IsNaN(slope) ? 0 : slope * window.TotalHours;
        Row("Run", $"{ran.TotalMinutes:0.0} min ({events.Count} events, seed {options.Seed}); {setup}", $"{options.Minutes:0.##} min", !agentDied);
        Row("Resident memory (VmRSS) start / after warm-up / end / max",
            $"{Mb(samples.FirstOrDefault()?.RssMb)} / {Mb(warm.FirstOrDefault()?.RssMb)} / {Mb(samples.LastOrDefault()?.RssMb)} / {Mb(samples.Select(s => s.RssMb).DefaultIfEmpty().Max())} MB",
            "", true);
        Row($"Resident memory slope after {options.WarmupLength.TotalMinutes:0.#} min warm-up (least squares, {warm.Length} samples over {window.TotalMinutes:0.0} min)",
            $"{slope:+0.0;-0.0} MB/h (fitted growth {fitted:+0.0;-0.0} MB)",
            $"<= {options.MaxRssSlopeMbPerHour:0.#} MB/h, or fitted growth <= {options.MinRssGrowthMb:0.#} MB",
            warm.Length >= 2 && (slope <= options.MaxRssSlopeMbPerHour || fitted <= options.MinRssGrowthMb));
        var heapSlope = Statistics.Slope([.. warm.Where(s => !double.IsNaN(s.GcHeapMb)).Select(s => (s.At.TotalHours, s.GcHeapMb))]);
        Row("GC heap (dotnet_total_memory_bytes) after warm-up / end / max, slope after warm-up",
            $"{Mb(warm.FirstOrDefault()?.GcHeapMb)} / {Mb(samples.LastOrDefault()?.GcHeapMb)} / {Mb(samples.Select(s => s.GcHeapMb).DefaultIfEmpty().Max())} MB, {heapSlope:+0.0;-0.0} MB/h",
            "", true);
        Growth("Threads", warm, s => s.Threads, options);
        Growth("Open file descriptors", warm, s => s.OpenFiles, options);
        var scrapes = sampler.ScrapeMilliseconds;
        Row("/metrics latency p50 / p95 / max", $"{Ms(scrapes, 50)} / {Ms(scrapes, 95)} / {scrapes.DefaultIfEmpty(double.NaN).Max():0.0} ms ({scrapes.Count} scrapes)", "", true);
        Row("/metrics requests failed", $"{sampler.ScrapeFailures}", "0", sampler.ScrapeFailures == 0);
        var api = sampler.ApiMilliseconds;
        Row("/api/targets requests ok / failed, p95", $"{api.Count} / {sampler.ApiFailures}, {Ms(api, 95)} ms", "0 failed", sampler.ApiFailures == 0);
        Row("pgreach_agent_stage_failures_total", sampler.StageFailures is { } f ? $"{f:0}" : "(family absent: skipped)", "0", sampler.StageFailures is null or 0);
        Row("Agent output at Error/Fatal, with an exception, \"Unhandled\" or a stack trace",
            $"{output.FlaggedCount} (and {output.ExpectedRejections} expected \"reload rejected\" errors after the bad edits)", "0", output.FlaggedCount == 0);
        var lost = events.Where(e => !e.Seen).ToArray();
        Row("Lost events (injected, not seen by the agent within the bound)", $"{lost.Length} of {events.Count}", "0", lost.Length == 0);

        _text.AppendLine("| Figure | Value | Limit | OK |").AppendLine("| --- | --- | --- | --- |");
        foreach (var (figure, value, limit, ok) in _rows)
        {
            _text.AppendLine(CultureInfo.InvariantCulture, $"| {figure} | {value} | {limit} | {(ok ? "yes" : "**no**")} |");
        }

        _text.AppendLine().AppendLine("| Event | Injected | Seen | Longest time to see it |").AppendLine("| --- | --- | --- | --- |");
        foreach (var kind in events.GroupBy(e => e.Kind).OrderBy(g => g.Key))
        {
            _text.AppendLine(CultureInfo.InvariantCulture,
                $"| {kind.Key} | {kind.Count()} | {kind.Count(e => e.Seen)} | {kind.Where(e => e.Seen).Select(e => e.Took.TotalSeconds).DefaultIfEmpty().Max():0.0} s |");
        }

        Timeline(samples);
        Listing("Lost events", lost.Select(e => $"{e.At.TotalSeconds:0}s {e.Kind} {e.Subject}: expected {e.Expected}"));
        Listing("Flagged agent output", output.Flagged);
        Listing("Failed requests", sampler.Failures);
    }

    public bool Passed => _rows.All(r => r.Ok);

    public override string ToString() => _text.ToString();

    private void Growth(string what, ResourceSample[] warm, Func<ResourceSample, int> value, SoakOptions options)
    {
        // Medians of the first and last minute after warm-up, so that a passing burst of pool threads is not growth.
        var first = Statistics.Median(warm.Where(s => s.At < warm[0].At + TimeSpan.FromMinutes(1)).Select(s => (double)value(s)));
        var last = Statistics.Median(warm.Where(s => s.At > warm[^1].At - TimeSpan.FromMinutes(1)).Select(s => (double)value(s)));
        var growth = (last / first - 1) * 100;
        Row($"{what}: median of the first / last minute after warm-up, max", $"{first:0} / {last:0} ({growth:+0;-0} %), max {warm.Select(value).DefaultIfEmpty().Max()}",
            $"<= +{options.MaxGrowthPercent:0} %", warm.Length > 0 && growth <= options.MaxGrowthPercent);
    }

    private void Timeline(IReadOnlyList<ResourceSample> samples)
    {
        if (samples.Count == 0)
        {
            return;
        }

        // About a dozen rows whatever the length of the run.
        var step = TimeSpan.FromSeconds(Math.Max(10, Math.Ceiling(samples[^1].At.TotalSeconds / 12 / 10) * 10));
        _text.AppendLine().AppendLine("| Time | VmRSS MB | GC heap MB | Threads | Open fds |").AppendLine("| --- | --- | --- | --- | --- |");
        var next = TimeSpan.Zero;
        foreach (var sample in samples)
        {
            if (sample.At >= next || sample == samples[^1])
            {
                _text.AppendLine(CultureInfo.InvariantCulture, $"| {sample.At:mm\\:ss} | {sample.RssMb:0.0} | {sample.GcHeapMb:0.0} | {sample.Threads} | {sample.OpenFiles} |");
                next = sample.At + step;
            }
        }
    }

    private void Listing(string title, IEnumerable<string> lines)
    {
        var list = lines.ToArray();
        if (list.Length == 0)
        {
            return;
        }

        _text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"{title}:").AppendLine();
        foreach (var line in list)
        {
            _text.AppendLine(CultureInfo.InvariantCulture, $"    {line}");
        }
    }

    private void Row(string figure, string value, string limit, bool ok) => _rows.Add((figure, value, limit, ok));

    private static string Mb(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";

    private static string Ms(IReadOnlyList<double> values, double percent) =>
        Statistics.Percentile(values, percent).ToString("0.0", CultureInfo.InvariantCulture);
}

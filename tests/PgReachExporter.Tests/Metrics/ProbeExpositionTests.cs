using System.Text;
using PgReachExporter.Classification;
using PgReachExporter.Configuration;
using PgReachExporter.Metrics;
using PgReachExporter.Observations;
using PgReachExporter.Scheduling;
using PgReachExporter.Tests.Diagnosis;
using Prometheus;

namespace PgReachExporter.Tests.Metrics;

public sealed class ProbeExpositionTests
{
    private static async Task<string> AnswerAsync(Scenario scenario, bool success)
    {
        var answer = new ProbeExposition();
        var record = new CycleRecord(scenario.Target, scenario.Cycle, null, scenario.Diagnose());
        foreach (var output in new[] { answer.ProbeMetrics, answer.HostMetrics, answer.Verdicts })
        {
            output.TargetAdded(scenario.Target);
            output.CycleCompleted(record);
        }

        answer.Complete(success, TimeSpan.FromMilliseconds(250));
        using var body = new MemoryStream();
        await answer.WriteAsync(body, ExpositionFormat.PrometheusText, CancellationToken.None);
        return Encoding.UTF8.GetString(body.ToArray());
    }

    [Fact]
    public async Task An_answer_carries_the_cycle_s_gauges_the_verdict_and_the_probe_s_own_families_but_no_counter()
    {
        var text = await AnswerAsync(Scenario.Healthy.WithTcp(Scenario.Refused("10.0.0.5")), success: false);
        var name = Scenario.Healthy.Target.Name;

        Assert.Contains("pgreach_probe_success 0", text);
        Assert.Contains("pgreach_probe_duration_seconds 0.25", text);
        Assert.Contains($"pgreach_tcp_connect_result{{target=\"{name}\",address=\"10.0.0.5\",family=\"ipv4\",result=\"refused\"}} 1", text);
        Assert.Contains($"pgreach_up{{target=\"{name}\"}} 0", text);
        Assert.Contains($"pgreach_diagnosis{{target=\"{name}\",layer=\"transport\",cause=\"", text);
        Assert.Contains("# HELP pgreach_probe_success ", text);
        Assert.DoesNotContain("# TYPE pgreach_tcp_probes_total", text);
        Assert.DoesNotContain("_total", text);
        Assert.DoesNotContain("pgreach_targets", text);
        Assert.DoesNotContain("pgreach_build_info", text);
        Assert.DoesNotContain("pgreach_config_last_reload", text);
        Assert.DoesNotContain(Scenario.Password, text);
    }

    [Fact]
    public async Task A_healthy_answer_says_success_and_ok()
    {
        var text = await AnswerAsync(Scenario.Healthy, success: true);

        Assert.Contains("pgreach_probe_success 1", text);
        Assert.Contains("cause=\"ok\"", text);
    }

    [Fact]
    public async Task The_agent_s_own_metrics_never_show_the_probe_families()
    {
        var text = await new MetricsUnderTest().ScrapeAsync();

        Assert.DoesNotContain("pgreach_probe_success", text);
        Assert.DoesNotContain("pgreach_probe_duration_seconds", text);
    }
}

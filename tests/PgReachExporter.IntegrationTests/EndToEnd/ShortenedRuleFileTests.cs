using System.Text.RegularExpressions;
using PgReachExporter.IntegrationTests.Deploy;

namespace PgReachExporter.IntegrationTests.EndToEnd;

public sealed partial class ShortenedRuleFileTests
{
    [Theory]
    [InlineData("rate(x[5m])", "rate(x[15s])")]
    [InlineData("avg_over_time(y[1h] offset 1h) > 3", "avg_over_time(y[180s] offset 180s) > 3")]
    [InlineData("max_over_time(rate(z[1m])[10m:30s])", "max_over_time(rate(z[3s])[30s:1500ms])")]
    [InlineData("increase(e{event=\"5m\"}[15m]) > 0 or (time() - t) < 900", "increase(e{event=\"5m\"}[45s]) > 0 or (time() - t) < 900")]
    [InlineData("up{job=\"pgreach\"} == 0", "up{job=\"pgreach\"} == 0")]
    public void Durations_in_selectors_and_offsets_are_divided_and_nothing_else_changes(string expression, string shortened)
    {
        Assert.Equal(shortened, ShortenedRuleFile.ShortenExpression(expression, 20));
    }

    [Fact]
    public void Shortened_deployed_rules_keep_every_rule_label_and_annotation_and_divide_every_duration()
    {
        var original = PrometheusRuleFile.Load(RepositoryLayout.AlertRules);
        var shortened = PrometheusRuleFile.FromGroups(
            YamlFile.Parse(ShortenedRuleFile.Load(RepositoryLayout.AlertRules, 20))["groups"], "shortened rules");

        Assert.Equal(original.Recordings.Select(rule => rule.Name), shortened.Recordings.Select(rule => rule.Name));
        Assert.Equal(original.Alerts.Count, shortened.Alerts.Count);
        foreach (var (before, after) in original.Alerts.Zip(shortened.Alerts))
        {
            Assert.Equal(before.Name, after.Name);
            Assert.Equal(before.Labels, after.Labels);
            Assert.Equal(before.Annotations, after.Annotations);
            Assert.Equal(ForDuration(before) / 20, ForDuration(after));
        }

        foreach (var (before, after) in original.Expressions.Zip(shortened.Expressions))
        {
            Assert.Equal(WithoutDurations(before), WithoutDurations(after));
            Assert.Equal(Durations(before).Select(duration => duration / 20), Durations(after));
        }
    }

    [Fact]
    public async Task Shortened_deployed_rules_pass_promtool()
    {
        var directory = Directory.CreateTempSubdirectory("pgreach-shortened-rules-");
        try
        {
            var file = Path.Combine(directory.FullName, "alerts.yml");
            await File.WriteAllTextAsync(file, ShortenedRuleFile.Load(RepositoryLayout.AlertRules, MonitoringStack.TimeDivisor));

            var result = await ExternalTool.Promtool.RunAsync(["check", "rules", file]);

            Assert.True(result.ExitCode == 0, result.ToString());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static TimeSpan? ForDuration(AlertingRule rule) => rule.For is null ? null : PromQlDuration.Parse(rule.For);

    private static string WithoutDurations(string expression) => Duration().Replace(expression, "<d>");

    private static IEnumerable<TimeSpan> Durations(string expression) =>
        Duration().Matches(expression).Select(match => PromQlDuration.Parse(match.Groups["d"].Value));

    // Any duration right after '[', ':' or "offset " (selectors, subquery steps, offsets), whatever the spacing.
    [GeneratedRegex(@"(?<=\[\s*|:\s*|\boffset\s+)(?<d>" + PromQlDuration.Pattern + ")")]
    private static partial Regex Duration();
}

using System.Text.RegularExpressions;
using PgReachExporter.IntegrationTests.Agent;
using PgReachExporter.IntegrationTests.Deploy;
using PgReachExporter.IntegrationTests.Infrastructure;
using static PgReachExporter.IntegrationTests.Agent.RunningAgent;

namespace PgReachExporter.IntegrationTests.EndToEnd;

/// <summary>README's metrics tables against what a running agent really exports: every family in both, in both directions.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed partial class ReadmeMetricsTableTests(ClusterFixture fixture)
{
    private static readonly TimeSpan ScrapeBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Readme_lists_every_pgreach_family_a_scrape_holds_and_no_other()
    {
        var documented = DocumentedFamilies(await File.ReadAllTextAsync(RepositoryLayout.PathOf("README.md")));
        await using var targets = await MetricFamilyTargets.StartAsync(fixture);
        await using var agent = await StartAsync(targets.EveryFamilyConfig());

        Scrape scrape;
        try
        {
            scrape = await agent.WaitForAsync(s => documented.IsSubsetOf(Exported(s.Text)), ScrapeBound, "every documented family");
        }
        catch (TimeoutException)
        {
            scrape = await agent.ScrapeAsync(); // the assertions below say what is missing
        }

        var exported = Exported(scrape.Text);
        Assert.True(exported.IsSubsetOf(documented), $"exported but not in README's metrics tables: {string.Join(", ", exported.Except(documented).Order())}");
        Assert.True(documented.IsSubsetOf(exported), $"in README's metrics tables but not exported: {string.Join(", ", documented.Except(exported).Order())}");
    }

    /// <summary>
    /// Every family named in the first column of the tables under "## Metrics", but those of a <c>/probe</c> answer only
    /// (ProbeScrapeTests finds them in Prometheus after it scrapes /probe).
    /// </summary>
    private static HashSet<string> DocumentedFamilies(string readme)
    {
        var section = readme[readme.IndexOf("\n## Metrics\n", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 5, StringComparison.Ordinal)];
        return [.. section.Split('\n').Where(l => l.StartsWith("| `pgreach_", StringComparison.Ordinal) && !l.Contains("only in a `/probe` answer", StringComparison.Ordinal))
            .SelectMany(l => FamilyName().Matches(l.Split('|')[1]).Select(m => m.Value))];
    }

    /// <summary>Every pgreach_ family of a scrape: declared (HELP or TYPE) or with a sample.</summary>
    private static HashSet<string> Exported(string text) =>
        [.. text.Split('\n').Select(l => l.StartsWith("# HELP ", StringComparison.Ordinal) || l.StartsWith("# TYPE ", StringComparison.Ordinal) ? l[7..] : l)
            .Select(l => FamilyName().Match(l)).Where(m => m.Success && m.Index == 0).Select(m => m.Value)];

    [GeneratedRegex("pgreach_[a-z0-9_]+")]
    private static partial Regex FamilyName();
}

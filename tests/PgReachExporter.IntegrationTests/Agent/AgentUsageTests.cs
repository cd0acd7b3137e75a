namespace PgReachExporter.IntegrationTests.Agent;

/// <summary>`--help` and `--version` answer and exit 0 instead of starting an agent.</summary>
public sealed class AgentUsageTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_prints_usage_with_the_subcommands_and_exits_0(string flag)
    {
        var run = await AgentCommand.RunAsync([flag]);

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var expected in new[] { "Usage: PgReachExporter", "demo", "diagnose TARGET", "lint-hba FILE", "--config FILE", "--urls" })
        {
            Assert.Contains(expected, run.Stdout, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Now listening", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_prints_the_version_and_exits_0()
    {
        var run = await AgentCommand.RunAsync(["--version"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"^PgReachExporter \d+\.\d+\.\d+", run.Stdout);
    }
}
